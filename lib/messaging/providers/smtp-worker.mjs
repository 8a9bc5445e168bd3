// An SMTP sender thread of smtp-worker-pool.ts: runs `sendCheckedMail` (smtp.ts) for the sends the main thread
// posts (already checked by the outbound guard and composed), with this thread's own pooled transports, and
// answers each with its SendResult or its ProviderError's fields.
//
// Plain JavaScript, loaded by absolute path like render-worker.mjs: neither Next's bundler nor vitest transforms
// it. It loads the TypeScript source with tsx, so the transport options, TCP_NODELAY sockets and the error
// classification are the ones smtp.ts has, written once.
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";

const { sendCheckedMail, installFastTextEncoding } = await tsImport(
  pathToFileURL(workerData.smtpPath).href,
  import.meta.url,
);
// nodemailer's choice of a text's transfer encoding, counted without its per-letter arrays (mime-text-encoding.ts)
installFastTextEncoding();

parentPort.on("message", ({ id, send, poolSize }) => {
  sendCheckedMail(send, poolSize).then(
    (result) => parentPort.postMessage({ id, result }),
    (error) =>
      parentPort.postMessage({
        id,
        error: {
          // sendCheckedMail throws ProviderError; anything else is a fault here, not the server's answer
          message: error instanceof Error ? error.message : String(error),
          retryable: error?.retryable ?? false,
          permanentAddressFailure: error?.permanentAddressFailure ?? false,
          providerCode: error?.providerCode,
        },
      }),
  );
});
parentPort.postMessage({ ready: true });
