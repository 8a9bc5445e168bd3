/**
 * The error a domain call was expected to throw (an AppError: its code and the fields it names); fails the test
 * when the call succeeded.
 */
export async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; fields: { path: string; message: string }[] };
  }
  throw new Error("expected a rejection");
}
