package io.quarkiverse.gcache.runtime.http;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkiverse.gcache.CacheLayer;
import io.quarkiverse.gcache.runtime.control.GCacheConfig;
import io.quarkiverse.gcache.runtime.control.RuntimeControl;
import io.quarkiverse.gcache.runtime.control.UseCaseViews;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The management endpoint {@code /q/gcache} (reference: runtime control), on the management interface when that is enabled.
 * <ul>
 * <li>{@code GET /q/gcache}: every use case with effective settings, their sources and live counters.</li>
 * <li>{@code PUT /q/gcache/<useCase>/<LOCAL|REMOTE>} with {@code {"ttl":"60s","ramp":10}} (either may be omitted or
 * null): sets the override; {@code DELETE} on the same path clears it.</li>
 * <li>{@code PUT /q/gcache/<useCase>/SHADOW} with {@code {"ramp":10}}: overrides the shadow verification ramp
 * (reference R22); {@code DELETE} clears it.</li>
 * </ul>
 * Off (404) unless {@code quarkus.gcache.management.enabled=true}; then it requires an authenticated identity with
 * the role {@code quarkus.gcache.management.role}: 401 without one, 403 without the role. Bad input: 400 with a
 * message, nothing changed.
 */
public class ManagementHandler implements Handler<RoutingContext> {

    /** The beans a request needs, resolved on the first request (the handler is created before the beans start). */
    private record Beans(GCacheConfig config, RuntimeControl control, ObjectMapper json) {
    }

    /** Said at startup and in every 401 when the endpoint is on a management interface that authenticates nobody. */
    public static final String MANAGEMENT_AUTH_OFF = "quarkus.gcache.management.enabled=true but /q/gcache is on the"
            + " management interface, where authentication is off: every request gets 401. Set"
            + " quarkus.management.auth.basic=true (or quarkus.management.auth.enabled=true to use the main server's"
            + " mechanisms)";

    private final boolean managementInterfaceWithoutAuth;
    private final java.util.function.Supplier<RuntimeControl> control;
    private volatile Beans beans;

    /**
     * @param control the runtime control, asked on the first request (it lives in GCache's runtime bean, which the
     *        recorder knows and this package does not: it sits above the control it serves)
     */
    public ManagementHandler(boolean managementInterfaceWithoutAuth, java.util.function.Supplier<RuntimeControl> control) {
        this.managementInterfaceWithoutAuth = managementInterfaceWithoutAuth;
        this.control = control;
    }

    private Beans beans() {
        Beans b = beans;
        if (b == null) {
            var arc = Arc.container();
            beans = b = new Beans(arc.instance(GCacheConfig.class).get(), control.get(),
                    arc.instance(ObjectMapper.class).get());
        }
        return b;
    }

    @Override
    public void handle(RoutingContext rc) {
        Beans beans = beans();
        GCacheConfig config = beans.config();
        if (!config.management().enabled()) {
            rc.response().setStatusCode(404).end();
            return;
        }
        // reference: runtime control: on the management interface Quarkus authenticates only with
        // quarkus.management.auth.enabled/basic; without it there is never an identity here, so it stays a 401
        SecurityIdentity identity = QuarkusHttpUser.getSecurityIdentityBlocking(rc, null);
        if (identity == null || identity.isAnonymous()) {
            rc.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"Quarkus\"")
                    .end(error(managementInterfaceWithoutAuth ? MANAGEMENT_AUTH_OFF : "authentication required"));
            return;
        }
        if (!identity.hasRole(config.management().role())) {
            rc.response().setStatusCode(403).end(error("role " + config.management().role() + " required"));
            return;
        }
        RuntimeControl control = beans.control();
        ObjectMapper json = beans.json();
        String path = rc.normalizedPath();
        String rest = path.substring(path.indexOf("gcache") + "gcache".length());
        List<String> parts = List.of(rest.split("/")).stream().filter(s -> !s.isEmpty()).toList();
        try {
            switch (rc.request().method().name()) {
                case "GET" -> {
                    Object body = parts.isEmpty() ? control.useCases().stream().map(UseCaseViews::view).toList()
                            : UseCaseViews.view(control.useCase(parts.get(0)));
                    ok(rc, json.writeValueAsString(body));
                }
                case "PUT", "DELETE" -> {
                    if (parts.size() != 2) {
                        throw new IllegalArgumentException("use /q/gcache/<useCase>/<LOCAL|REMOTE|SHADOW>");
                    }
                    boolean delete = rc.request().method().name().equals("DELETE");
                    if (parts.get(1).equalsIgnoreCase("SHADOW")) {
                        Integer ramp = null;
                        if (!delete) {
                            JsonNode body = rc.body() == null || rc.body().length() == 0 ? null
                                    : json.readTree(rc.body().asString());
                            if (body == null || !body.isObject() || body.get("ramp") == null) {
                                throw new BadInput("body must be a JSON object like {\"ramp\":10}");
                            }
                            ramp = ramp(body.get("ramp"));
                        }
                        control.overrideShadowRamp(parts.get(0), ramp);
                        ok(rc, json.writeValueAsString(UseCaseViews.view(control.useCase(parts.get(0)))));
                        return;
                    }
                    CacheLayer layer = layer(parts.get(1));
                    if (delete) {
                        control.clearOverride(parts.get(0), layer);
                    } else {
                        JsonNode body = rc.body() == null || rc.body().length() == 0 ? null
                                : json.readTree(rc.body().asString());
                        if (body == null || !body.isObject()) {
                            throw new BadInput("body must be a JSON object like {\"ramp\":10,\"ttl\":\"60s\"}");
                        }
                        control.override(parts.get(0), layer, ttl(body.get("ttl")), ramp(body.get("ramp")));
                    }
                    ok(rc, json.writeValueAsString(UseCaseViews.view(control.useCase(parts.get(0)))));
                }
                default -> rc.response().setStatusCode(405).end();
            }
        } catch (BadInput | com.fasterxml.jackson.core.JsonProcessingException e) {
            // R29: counted like a value override() refuses (which counts its own)
            if (parts.size() == 2) {
                control.refused(parts.get(0), parts.get(1), e.getMessage());
            }
            rc.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(error(e.getMessage()));
        } catch (IllegalArgumentException e) {
            rc.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(error(e.getMessage()));
        } catch (IllegalStateException e) {
            rc.response().setStatusCode(503).putHeader("Content-Type", "application/json").end(error(e.getMessage()));
        }
    }

    private static CacheLayer layer(String s) {
        try {
            return CacheLayer.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("layer must be LOCAL, REMOTE or SHADOW, got " + s);
        }
    }

    private static Duration ttl(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            return DurationConverter.parseDuration(n.asText());
        } catch (RuntimeException e) {
            throw new BadInput("ttl must be a duration like \"60s\" or \"PT1M\", got " + n);
        }
    }

    private static Integer ramp(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isInt()) {
            throw new BadInput("ramp must be an integer between 0 and 100, got " + n);
        }
        return n.asInt();
    }

    /** A body that does not parse, for a known path (R29: counted for the use case; 400). */
    private static final class BadInput extends IllegalArgumentException {
        BadInput(String message) {
            super(message);
        }
    }

    private static void ok(RoutingContext rc, String body) {
        rc.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(body);
    }

    private static String error(String message) {
        return "{\"error\":\"" + String.valueOf(message).replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }
}
