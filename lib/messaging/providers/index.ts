/** The channel provider adapters (see ./types.ts for the contract every adapter keeps). */
export * from "./types";
export { closeSmtpTransports, messageIdFor, sendEmail, verifySmtp, type SmtpVerifyResult } from "./smtp";
export { sendSms } from "./sms-twilio";
export { sendWebPush, webPushPayload, type WebPushPayload } from "./web-push";
export { clearFcmTokenCache, fcmMessage, sendFcm, serviceAccountAssertion } from "./fcm";
