export interface ConnectProxy {
  url: string
  connects: { target: string; authorization?: string }[]
  close(): Promise<void>
}
export function startConnectProxy(targetPort: number): Promise<ConnectProxy>
