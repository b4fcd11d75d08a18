package io.quarkiverse.gcache.runtime.devui;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.GCache;
import io.quarkiverse.gcache.GCacheControl;
import io.quarkiverse.gcache.runtime.control.UseCaseViews;
import io.smallrye.mutiny.Multi;

/** Dev UI JSON-RPC methods of the GCache page (dev mode only). */
public class GCacheJsonRpcService {

    @Inject
    GCache gcache;

    /** Every use case with settings, sources and counters. */
    public List<Map<String, Object>> getUseCases() {
        return gcache.control().useCases().stream().map(UseCaseViews::view).toList();
    }

    /** {@link #getUseCases()} every second, for live rates. */
    public Multi<List<Map<String, Object>>> streamUseCases() {
        return Multi.createFrom().ticks().every(Duration.ofSeconds(1)).map(tick -> getUseCases());
    }

    /** Sets the ramp override of one layer, keeping a TTL override if there is one. */
    public Map<String, Object> setRamp(String useCase, String layer, int ramp) {
        CacheLayer l = CacheLayer.valueOf(layer.toUpperCase(Locale.ROOT));
        GCacheControl.UseCaseInfo info = gcache.control().useCase(useCase);
        GCacheControl.LayerInfo current = l == CacheLayer.LOCAL ? info.local() : info.remote();
        Duration ttl = current.ttlSource() == GCacheControl.Source.OVERRIDE ? current.ttl() : null;
        gcache.control().override(useCase, l, ttl, ramp);
        return UseCaseViews.view(gcache.control().useCase(useCase));
    }

    public Map<String, Object> clearOverride(String useCase, String layer) {
        gcache.control().clearOverride(useCase, CacheLayer.valueOf(layer.toUpperCase(Locale.ROOT)));
        return UseCaseViews.view(gcache.control().useCase(useCase));
    }

    /** Sets the shadow verification ramp override of a use case (reference R22). */
    public Map<String, Object> setShadowRamp(String useCase, int ramp) {
        gcache.control().overrideShadowRamp(useCase, ramp);
        return UseCaseViews.view(gcache.control().useCase(useCase));
    }

    /**
     * Applies the TTL advisor's suggestion for one layer (R23) as a TTL override, keeping a ramp override if there is
     * one; fails when there is no suggestion yet, or only an "at least" one (no mismatch seen).
     */
    public Map<String, Object> applySuggestedTtl(String useCase, String layer) {
        CacheLayer l = CacheLayer.valueOf(layer.toUpperCase(Locale.ROOT));
        GCacheControl.UseCaseInfo info = gcache.control().useCase(useCase);
        GCacheControl.ShadowLayerInfo shadow = info.shadow().layers().get(l.name());
        if (shadow == null || shadow.suggestedTtl() == null || shadow.suggestedTtl().isZero()) {
            throw new IllegalArgumentException("No TTL suggestion for " + useCase + " " + l + " yet");
        }
        if (shadow.suggestedAtLeast()) {
            // values were right as old as they got: nothing says a shorter TTL would be better
            throw new IllegalArgumentException("No mismatch seen for " + useCase + " " + l + ": keep the current TTL");
        }
        GCacheControl.LayerInfo current = l == CacheLayer.LOCAL ? info.local() : info.remote();
        Integer ramp = current.rampSource() == GCacheControl.Source.OVERRIDE ? current.ramp() : null;
        gcache.control().override(useCase, l, shadow.suggestedTtl(), ramp);
        return UseCaseViews.view(gcache.control().useCase(useCase));
    }

    /** Invalidates an entity; {@code true} when the watermark reached Redis or there is no Redis. */
    public boolean invalidate(String keyType, String id) {
        return gcache.invalidate(keyType, id);
    }

    public boolean flushAll() {
        gcache.flushAll();
        return true;
    }
}
