import { AlertTriangle, Info } from "lucide-react";
import type { Banner } from "@/lib/experiments/analysis";

export function ExperimentBanners({ banners }: { banners: Banner[] }) {
  if (!banners.length) return null;
  return (
    <div className="space-y-2">
      {banners.map((banner) => (
        <p
          key={banner.kind}
          role={banner.tone === "red" ? "alert" : "status"}
          data-testid={`banner-${banner.kind}`}
          className={`flex items-start gap-2 rounded-lg px-4 py-3 text-sm ring-1 ${banner.tone === "red" ? "bg-red-50 text-red-800 ring-red-200" : "bg-amber-50 text-amber-900 ring-amber-200"}`}
        >
          {banner.tone === "red" ? (
            <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
          ) : (
            <Info className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
          )}
          <span>{banner.message}</span>
        </p>
      ))}
    </div>
  );
}
