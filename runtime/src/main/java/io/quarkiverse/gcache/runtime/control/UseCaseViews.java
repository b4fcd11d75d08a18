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
