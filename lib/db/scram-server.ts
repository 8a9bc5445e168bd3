import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as Postgres speaks it (no channel binding: the
 * embedded server is plain TCP on loopback), for the embedded database's wire server. No maintained npm
 * package implements the server side; node-postgres and psql implement the client side, against which the
 * tests run. The password is never sent: the client proves it knows it, and the server proves it knows it too.
 *
 *   client-first:  n,,n=<user>,r=<client nonce>            (gs2 header "n,," or "y,,")
 *   server-first:  r=<client nonce + server nonce>,s=<salt>,i=<iterations>
 *   client-final:  c=<base64 gs2 header>,r=<nonce>,p=<proof>
 *   server-final:  v=<server signature>
 */
export const SCRAM_MECHANISM = "SCRAM-SHA-256";
const ITERATIONS = 4096;

const hmac = (key: Buffer, data: string) => createHmac("sha256", key).update(data).digest();
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest();

/** What the server keeps of a password: the salt and the keys derived from it (computed once per server). */
export interface ScramVerifier {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function scramVerifier(password: string, salt = randomBytes(16), iterations = ITERATIONS): ScramVerifier {
  // RFC 7677 asks for SASLprep; a generated password is ASCII, where SASLprep changes nothing.
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  return { salt, iterations, storedKey: sha256(hmac(salted, "Client Key")), serverKey: hmac(salted, "Server Key") };
}

export class ScramError extends Error {}

/** `a=1,b=2` attributes, in order. */
function attributes(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq !== 1) throw new ScramError(`malformed SCRAM attribute "${part.slice(0, 40)}"`);
    map.set(part[0], part.slice(2));
  }
  return map;
}

/** One authentication exchange: `first()` answers the client-first message, `final()` checks the proof. */
export class ScramExchange {
  private clientFirstBare = "";
  private serverFirst = "";
  private gs2Header = "";
  private nonce = "";

  constructor(private readonly verifier: ScramVerifier) {}

  /** Reads client-first, returns server-first. */
  first(clientFirst: string): string {
    const match = /^([ny]),(?:a=[^,]*)?,(.*)$/.exec(clientFirst);
    if (!match) throw new ScramError("unsupported SCRAM client-first message (channel binding is not offered here)");
    this.gs2Header = clientFirst.slice(0, clientFirst.length - match[2].length);
    this.clientFirstBare = match[2];
    const clientNonce = attributes(this.clientFirstBare).get("r");
    if (!clientNonce || /[^\x21-\x7e]|,/.test(clientNonce))
      throw new ScramError("SCRAM client nonce missing or invalid");
    this.nonce = clientNonce + randomBytes(18).toString("base64");
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString("base64")},i=${this.verifier.iterations}`;
    return this.serverFirst;
  }

  /** Checks client-final; returns server-final when the proof is right, null when the password is wrong. */
  final(clientFinal: string): string | null {
    const proofAt = clientFinal.lastIndexOf(",p=");
    if (proofAt < 0) throw new ScramError("SCRAM client-final message has no proof");
    const withoutProof = clientFinal.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    if (attrs.get("c") !== Buffer.from(this.gs2Header).toString("base64"))
      throw new ScramError("SCRAM channel binding does not match");
    if (attrs.get("r") !== this.nonce) throw new ScramError("SCRAM nonce does not match");
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), "base64");
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(this.verifier.storedKey, authMessage);
    if (proof.length !== signature.length) return null;
    const clientKey = Buffer.alloc(signature.length);
    for (let i = 0; i < signature.length; i++) clientKey[i] = proof[i] ^ signature[i];
    if (!timingSafeEqual(sha256(clientKey), this.verifier.storedKey)) return null;
    return `v=${hmac(this.verifier.serverKey, authMessage).toString("base64")}`;
  }
}
