import { describe, expect, it } from '@jest/globals'
import { describeBody, withoutTags } from '../../src/attempt.js'

/** What the two regular expressions that withoutTags replaces made of a body: the reference on ordinary HTML. */
const byRegex = (body: string): string => body.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ')

describe('withoutTags: the text a reader sees, in one linear pass', () => {
  it.each([
    ['plain text', 'Down for maintenance'],
    ['a page', '<!DOCTYPE html><html><head><title>Down</title></head><body><h1>Maintenance</h1><p>Back soon.</p></body></html>'],
    ['a script and a style', '<p>a</p><script type="x">if (a < b) x()</script><STYLE>p > a {}</STYLE><p>b</p>'],
    ['upper-case closing tags', '<Script>x</SCRIPT>after'],
    ['a tag that never closes', 'before <a href="x after'],
    ['a script that never closes', 'before <script>x() and <b>bold</b> after'],
    ['a < in text', 'a < b and c > d'],
    ['nested brackets', '<<a>>text<<<'],
    ['an empty tag', 'a<>b'],
    ['a comment', 'a<!-- <p> -->b']
  ])('%s reads as the regular expressions read it', (_, body) => {
    expect(withoutTags(body)).toBe(byRegex(body))
  })

  it.each([
    ["repeated '<'", '<'],
    ["repeated '<script'", '<script'],
    ["repeated '<style><'", '<style><'],
    ['tags that never close', '<a href="']
  ])('describes a 1 MiB body of %s, keeping only its start', (_, unit) => {
    const body = unit.repeat(Math.floor((1024 * 1024) / unit.length))
    const described = describeBody({ status: 503, headers: { 'content-type': 'text/html' }, body })
    expect(described).toMatch(/^text\/html, \d+ bytes/)
    expect(described.length).toBeLessThan(300)
  })
})
