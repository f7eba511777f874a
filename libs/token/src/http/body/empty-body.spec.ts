import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { bodyIsEmpty, emptyBodyExcuses, forgetBody } from './empty-body';

const chunked = { 'transfer-encoding': 'chunked' };

describe('bodyIsEmpty', () => {
  it('reads Content-Length: 0 or no framing at all as empty, from the headers alone', () => {
    expect(bodyIsEmpty({ 'content-length': '0' }, Readable.from([]))).toBe(true);
    expect(bodyIsEmpty({}, Readable.from([]))).toBe(true);
    expect(bodyIsEmpty({ 'content-length': '2' }, Readable.from([]))).toBe(false);
  });

  it('peeks a chunked body: zero bytes is empty', async () => {
    const stream = new PassThrough();
    const empty = bodyIsEmpty(chunked, stream);
    stream.end();
    await expect(empty).resolves.toBe(true);
  });

  it('puts the first chunk of a chunked body back, so the parser reads it whole', async () => {
    const stream = new PassThrough();
    const empty = bodyIsEmpty(chunked, stream);
    stream.write('{"a":');
    await expect(empty).resolves.toBe(false);
    stream.end('1}');
    await expect(text(stream)).resolves.toBe('{"a":1}');
  });

  it('never calls a body someone already read empty', () => {
    const stream = Readable.from(['x']);
    stream.resume();
    expect(bodyIsEmpty(chunked, stream)).toBe(false);
  });
});

describe('forgetBody', () => {
  it('drops Content-Type and Transfer-Encoding (on the raw request too) and the parsed body', () => {
    const raw = { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', host: 'h' } };
    const request = { headers: { ...raw.headers }, raw, body: {} };
    forgetBody(request as never);
    expect(raw.headers).toEqual({ host: 'h' });
    expect(request.headers).toEqual({ host: 'h' });
    expect(request.body).toBeUndefined();
  });
});

describe('emptyBodyExcuses', () => {
  const request = (headers: Record<string, string>) => Object.assign(Readable.from([]), { headers }) as never;

  it('excuses a charset refusal of an empty body', () => {
    expect(emptyBodyExcuses({ type: 'charset.unsupported' }, request({ 'content-length': '0' }))).toBe(true);
  });

  it('never an unknown Content-Encoding (415 as is), nor a body with bytes', () => {
    expect(emptyBodyExcuses({ type: 'encoding.unsupported' }, request({ 'content-length': '0' }))).toBe(false);
    expect(emptyBodyExcuses({ type: 'charset.unsupported' }, request({ 'content-length': '5' }))).toBe(false);
    expect(emptyBodyExcuses(new Error('other'), request({ 'content-length': '0' }))).toBe(false);
  });
});
