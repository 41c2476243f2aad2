import { base64ToFloats, floatsToBase64, toClientEncoding, vectorLength } from './encode-embedding';

describe('embedding encodings', () => {
  const floats = [0.5, -1.25, 3, 0];

  it('base64 is the float32 values little-endian, as OpenAI sends them and the openai SDK decodes them', () => {
    const encoded = floatsToBase64(floats);
    const bytes = Buffer.from(encoded, 'base64');
    expect(bytes.length).toBe(16);
    expect(Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)))).toEqual(floats);
    expect(bytes.readFloatLE(4)).toBe(-1.25);
    expect(base64ToFloats(encoded)).toEqual(floats);
  });

  it('rounds to float32 as OpenAI does', () => {
    expect(base64ToFloats(floatsToBase64([0.1]))![0]).toBe(Math.fround(0.1));
  });

  it('gives the client the encoding it asked for, whichever the upstream sent', () => {
    const encoded = floatsToBase64(floats);
    expect(toClientEncoding(floats, 'float')).toBe(floats);
    expect(toClientEncoding(encoded, 'base64')).toBe(encoded);
    expect(toClientEncoding(floats, 'base64')).toBe(encoded);
    expect(toClientEncoding(encoded, 'float')).toEqual(floats);
    expect(vectorLength(encoded)).toBe(4);
    expect(vectorLength(floats)).toBe(4);
  });

  it('refuses base64 that is not whole float32 values', () => {
    expect(base64ToFloats(Buffer.from([1, 2, 3]).toString('base64'))).toBeUndefined();
    expect(toClientEncoding(Buffer.from([1, 2, 3, 4, 5]).toString('base64'), 'float')).toBeUndefined();
  });
});
