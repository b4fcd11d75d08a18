package io.quarkiverse.gcache.runtime.control;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkiverse.gcache.GCacheControl;

/** The JSON shape of a use case, shared by the management endpoint and the Dev UI. */
public final class UseCaseViews {

    private UseCaseViews() {
    }

    public static Map<String, Object> view(GCacheControl.UseCaseInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("useCase", info.name());
        m.put("keyType", info.keyType());
        m.put("local", view(info.local()));
        m.put("remote", view(info.remote()));
        m.put("counters", info.counters());
        m.put("shadow", view(info.shadow()));
        m.put("methodTime", info.methodTime() == null ? null : info.methodTime().toString());
        m.put("timeSaved", info.timeSaved().toString());
        return m;
    }

    private static Map<String, Object> view(GCacheControl.ShadowInfo shadow) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ramp", shadow.ramp());
        m.put("rampSource", shadow.rampSource());
        m.put("skipped", shadow.skipped());
        shadow.layers().forEach((layer, s) -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("match", s.matches());
            l.put("mismatch", s.mismatches());
            l.put("error", s.errors());
            l.put("suggestedTtl", s.suggestedTtl() == null ? null : s.suggestedTtl().toString());
            l.put("suggestedAtLeast", s.suggestedAtLeast());
            l.put("samples", s.samples());
            m.put(layer, l);
        });
        return m;
    }

    private static Map<String, Object> view(GCacheControl.LayerInfo layer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ttl", layer.ttl() == null ? null : layer.ttl().toString());
        m.put("ttlSource", layer.ttlSource());
        m.put("ramp", layer.ramp());
        m.put("rampSource", layer.rampSource());
        return m;
    }
}
