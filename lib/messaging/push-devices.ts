import type { ProviderConfigs } from "./channel-config";
import { sendFcm, sendWebPush } from "./providers";
import {
  ProviderError,
  type PushMessage,
  type SendContext,
  type SendResult,
  type WebPushSubscription,
} from "./providers/types";

/**
 * A person's push devices: each token is a Web Push subscription (JSON with endpoint and keys) or an FCM
 * registration token, reached through the provider it belongs to. Delivery and test sends both push through here.
 */

/** A push token that is a Web Push subscription (JSON with endpoint and keys), else null (an FCM registration token). */
export function isWebPushSubscription(token: string): WebPushSubscription | null {
  try {
    const parsed = JSON.parse(token) as WebPushSubscription;
    return typeof parsed?.endpoint === "string" &&
      typeof parsed.keys?.p256dh === "string" &&
      typeof parsed.keys?.auth === "string"
      ? parsed
      : null;
  } catch {
    return null;
  }
}

/** The push tokens a configured provider can reach: Web Push subscriptions need Web Push, other tokens FCM. */
export function reachableDevices(tokens: readonly string[], configs: ProviderConfigs): string[] {
  return tokens.filter((token) => (isWebPushSubscription(token) ? !!configs.web_push : !!configs.fcm));
}

/**
 * Sends one notification to every device, each through its provider (see reachableDevices), and reports what
 * each did: the first acceptance, how many accepted, and every provider refusal with its device. Anything
 * that is not a provider's answer is thrown.
 */
export async function pushToDevices(
  configs: ProviderConfigs,
  tokens: readonly string[],
  push: PushMessage,
  ctx: SendContext,
): Promise<{
  accepted: SendResult | null;
  acceptedCount: number;
  refusals: { token: string; error: ProviderError }[];
}> {
  let accepted: SendResult | null = null;
  let acceptedCount = 0;
  const refusals: { token: string; error: ProviderError }[] = [];
  for (const token of tokens) {
    const subscription = isWebPushSubscription(token);
    try {
      const result = subscription
        ? await sendWebPush(configs.web_push!, subscription, push, ctx)
        : await sendFcm(configs.fcm!, token, push, ctx);
      accepted ??= result;
      acceptedCount++;
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      refusals.push({ token, error });
    }
  }
  return { accepted, acceptedCount, refusals };
}
