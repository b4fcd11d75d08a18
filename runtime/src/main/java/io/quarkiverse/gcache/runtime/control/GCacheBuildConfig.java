package io.quarkiverse.gcache.runtime.control;

import java.util.Optional;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Build-time configuration of GCache. */
@ConfigMapping(prefix = "quarkus.gcache")
@ConfigRoot(phase = ConfigPhase.BUILD_AND_RUN_TIME_FIXED)
public interface GCacheBuildConfig {

    /** The REMOTE layer. */
    Remote remote();

    /** The readiness check. */
    Health health();

    interface Health {
        /** Whether the readiness check {@code gcache} is registered when quarkus-smallrye-health is present. */
        @WithDefault("true")
        boolean enabled();
    }

    interface Remote {
        /** Name of the Quarkus Redis client to use ({@code quarkus.redis.<name>.hosts}); empty = the default client. */
        Optional<String> clientName();
    }
}
