/**
 * Maps the errors Node raises on sockets, DNS and TLS to the sample's error kinds, so every
 * failed request lands in one of a few buckets a report can count.
 */
import { ErrorKind } from '@dlt/model';

/** Where in the request the error happened: a TLS handshake failure is `tls` whatever its code. */
export type Phase = 'dns' | 'connect' | 'tls' | 'exchange';

const byCode: Readonly<Record<string, ErrorKind>> = {
  ECONNREFUSED: ErrorKind.ConnectRefused,
  ETIMEDOUT: ErrorKind.Timeout,
  ECONNRESET: ErrorKind.Reset,
  EPIPE: ErrorKind.Reset,
  ECONNABORTED: ErrorKind.Reset,
  ERR_STREAM_DESTROYED: ErrorKind.Reset,
  ENOTFOUND: ErrorKind.Dns,
  EAI_AGAIN: ErrorKind.Dns,
  EAI_FAIL: ErrorKind.Dns,
  EAI_NONAME: ErrorKind.Dns,
  EAI_NODATA: ErrorKind.Dns,
  ENODATA: ErrorKind.Dns,
  ABORT_ERR: ErrorKind.Aborted,
  // HTTP/2: the peer reset the stream (RST_STREAM) or closed the session with an error (GOAWAY).
  ERR_HTTP2_STREAM_ERROR: ErrorKind.Reset,
  ERR_HTTP2_SESSION_ERROR: ErrorKind.Reset,
  ERR_HTTP2_GOAWAY_SESSION: ErrorKind.Reset,
  ERR_HTTP2_STREAM_CANCEL: ErrorKind.Reset,
  ERR_HTTP2_INVALID_SESSION: ErrorKind.Reset,
  // The TLS server knows none of the protocols offered by ALPN (say, h2 to an HTTP/1.1-only one).
  ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL: ErrorKind.Protocol,
};

/** OpenSSL and Node TLS error codes share these prefixes. */
const tlsPrefixes = [
  'ERR_SSL_',
  'ERR_TLS_',
  'ERR_OSSL_',
  'CERT_',
  'UNABLE_TO_',
  'DEPTH_ZERO_',
  'SELF_SIGNED_',
] as const;

/** The error kind of `err`, raised during `phase`. */
export function errorKindOf(err: unknown, phase: Phase): ErrorKind {
  const code = codeOf(err);
  const known = byCode[code];
  if (known === ErrorKind.Timeout || known === ErrorKind.Aborted || known === ErrorKind.Protocol) return known;
  if (phase === 'dns') return ErrorKind.Dns;
  if (tlsPrefixes.some((p) => code.startsWith(p)) || code === 'HOSTNAME_MISMATCH') return ErrorKind.Tls;
  if (phase === 'tls' && known !== ErrorKind.ConnectRefused) return ErrorKind.Tls;
  // Any other HTTP/2 failure (a frame or header the peer got wrong) is the peer breaking the protocol.
  if (known === undefined && code.startsWith('ERR_HTTP2_')) return ErrorKind.Protocol;
  return known ?? ErrorKind.Other;
}

/** A short message for the sample: the code and Node's text. */
export function errorMessageOf(err: unknown): string {
  if (err instanceof Error) {
    const code = codeOf(err);
    return code !== '' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

function codeOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return '';
}
