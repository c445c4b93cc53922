// A recording stand-in for everything a step runs against (the runner's @actions/core, the network, the
// environment), so main.ts and post.ts are tested in-process: every call lands in one ordered list of
// readable lines, and the order of masking, logging and outputs shows in it.
import type { HttpResponse, PostForm } from '../../src/http.js'
import type { FlowIo, StepCore, StepEdge } from '../../src/io.js'

/** One call the step made, as text: `mask <secret>`, `info <line>`, `output <name>=<value>`, `post <url> <form>`, … */
export type Event = string

export interface Recorded {
  edge: StepEdge
  /** Every call in order. */
  events: Event[]
  outputs: Record<string, string>
  /** The state the step saved, on top of the state it was given. */
  state: Record<string, string>
  exported: Record<string, string>
  /** The messages given to setFailed. */
  failures: string[]
  /** Every form POSTed, with its URL and time limit. */
  posts: { url: string; form: Record<string, string>; timeoutMs: number }[]
  /** Markdown written to the step summary. */
  summaries: string[]
  /** Only the log lines: `info …`, `warning …`, `debug …`. */
  logs: () => string[]
}

export interface EdgeOptions {
  /** Input values by action.yml name; absent ones read as '' (as an input the runner did not fill). */
  inputs?: Record<string, string>
  /** STATE_* values from the main step, for the post step. */
  state?: Record<string, string>
  env?: Record<string, string | undefined>
  /** Answers each POST; the default is HTTP 200 with `{}`. */
  answer?: (url: string, form: Record<string, string>, n: number) => HttpResponse | Promise<HttpResponse>
  get?: StepEdge['get']
}

/** A JSON answer, as the network layer hands it back. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body)
})

/** A recording edge; nothing it does touches the network, the file system or the process. */
export function recordingEdge(options: EdgeOptions = {}): Recorded {
  const events: Event[] = []
  const given = { ...options.state }
  const r: Omit<Recorded, 'edge'> = {
    events,
    outputs: {},
    state: {},
    exported: {},
    failures: [],
    posts: [],
    summaries: [],
    logs: () => events.filter(e => /^(info|warning|debug) /.test(e))
  }
  const core: StepCore = {
    getInput: name => options.inputs?.[name] ?? '',
    getState: name => r.state[name] ?? given[name] ?? '',
    saveState: (name, value) => {
      events.push(`state ${name}=${value}`)
      r.state[name] = value
    },
    setSecret: secret => void events.push(`mask ${secret}`),
    setOutput: (name, value) => {
      events.push(`output ${name}=${value}`)
      r.outputs[name] = value
    },
    exportVariable: (name, value) => {
      events.push(`export ${name}=${value}`)
      r.exported[name] = value
    },
    setFailed: message => {
      events.push(`failed ${message}`)
      r.failures.push(message)
    },
    info: m => void events.push(`info ${m}`),
    warning: m => void events.push(`warning ${m}`),
    debug: m => void events.push(`debug ${m}`),
    summary: {
      addRaw: text => ({
        write: async () => {
          events.push('summary')
          r.summaries.push(text)
        }
      })
    }
  }
  let n = 0
  const post: PostForm = async (url, form, timeoutMs) => {
    events.push(`post ${url} ${new URLSearchParams(form).toString()}`)
    r.posts.push({ url, form, timeoutMs })
    return (options.answer ?? (() => json(200, {})))(url, form, ++n)
  }
  const get: StepEdge['get'] =
    options.get ??
    (async url => {
      throw new Error(`unexpected GET ${url}`)
    })
  const edge: StepEdge = {
    core,
    post,
    get,
    env: options.env ?? {},
    sleep: async ms => void events.push(`sleep ${ms}`),
    random: () => 0.5
  }
  return { edge, ...r }
}

/** A FlowIo that records like the edge above: for the flows' own tests. */
export function recordingIo(options: EdgeOptions = {}): { io: FlowIo } & Recorded {
  const r = recordingEdge(options)
  const { core } = r.edge
  const io: FlowIo = {
    mask: s => core.setSecret(s),
    info: m => core.info(m),
    warning: m => core.warning(m),
    debug: m => core.debug(m),
    post: r.edge.post,
    get: r.edge.get,
    retry: { sleep: r.edge.sleep, random: r.edge.random, log: m => core.info(m) }
  }
  return { io, ...r }
}

/**
 * The index of the first event that shows `secret` other than masking it; -1 when none does. A secret must
 * be masked before this index, or never shown at all.
 */
export function firstShowing(events: Event[], secret: string): number {
  return events.findIndex(e => !e.startsWith('mask ') && !e.startsWith('post ') && e.includes(secret))
}
