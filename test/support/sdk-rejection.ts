import { APIError } from 'openai';

/** The official SDK's error for a call the gateway must refuse; fails the test if the call succeeds. */
export async function rejection(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof APIError) return err;
    throw err;
  }
  throw new Error('expected the gateway to refuse');
}
