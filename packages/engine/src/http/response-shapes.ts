/** Well-formed response shapes shared by the parser's and the client's tests. */

/** One well-formed response and what parsing it must yield. */
export interface Shape {
  readonly name: string;
  readonly raw: string;
  readonly head?: boolean;
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
  readonly keepAlive: boolean;
  /** The body runs until the connection closes. */
  readonly untilClose?: boolean;
}

/** Response shapes every feeding pattern must parse the same way. */
export const shapes: readonly Shape[] = [
  {
    name: 'content-length',
    raw: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
    status: 200,
    body: 'hello',
    headers: { 'content-type': 'text/plain', 'content-length': '5' },
    keepAlive: true,
  },
  {
    name: 'chunked with extensions and trailers',
    raw:
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5;name=value\r\nhello\r\nA ; x="y"\r\n, world!!!\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n',
    status: 200,
    body: 'hello, world!!!',
    headers: { 'transfer-encoding': 'chunked', 'x-checksum': 'abc', 'x-other': '1' },
    keepAlive: true,
  },
  {
    name: 'chunked without trailers, upper-case hex',
    raw: 'HTTP/1.1 201 Created\r\ntransfer-encoding: Chunked\r\n\r\nB\r\nhello world\r\n0\r\n\r\n',
    status: 201,
    body: 'hello world',
    keepAlive: true,
  },
  {
    name: 'HEAD ignores the content-length',
    raw: 'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n',
    head: true,
    status: 200,
    body: '',
    keepAlive: true,
  },
  { name: '204 has no body', raw: 'HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n', status: 204, body: '', keepAlive: true },
  {
    name: '304 has no body',
    raw: 'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n',
    status: 304,
    body: '',
    keepAlive: true,
  },
  {
    name: '100 Continue and 103 Early Hints are skipped',
    raw:
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    status: 200,
    body: 'ok',
    headers: { 'content-length': '2' },
    keepAlive: true,
  },
  {
    name: 'body delimited by close',
    raw: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end',
    status: 200,
    body: 'until the end',
    keepAlive: false,
    untilClose: true,
  },
  {
    name: 'Connection: close',
    raw: 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye',
    status: 200,
    body: 'bye',
    keepAlive: false,
  },
  {
    name: 'HTTP/1.0 closes by default',
    raw: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi',
    status: 200,
    body: 'hi',
    keepAlive: false,
  },
  {
    name: 'HTTP/1.0 with keep-alive',
    raw: 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nhi',
    status: 200,
    body: 'hi',
    keepAlive: true,
  },
  {
    name: 'repeated headers are joined, set-cookie by newline',
    raw: 'HTTP/1.1 200 OK\r\nVary: a\r\nVARY:b\r\nSet-Cookie: x=1\r\nSet-Cookie: y=2\r\nContent-Length: 0\r\n\r\n',
    status: 200,
    body: '',
    headers: { vary: 'a, b', 'set-cookie': 'x=1\ny=2', 'content-length': '0' },
    keepAlive: true,
  },
  {
    name: 'chunked wins over a Content-Length too, and the connection is not reused (smuggling guard)',
    raw: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    status: 200,
    body: 'hello',
    keepAlive: false,
  },
  {
    name: 'status line without reason',
    raw: 'HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n',
    status: 404,
    body: '',
    keepAlive: true,
  },
];
