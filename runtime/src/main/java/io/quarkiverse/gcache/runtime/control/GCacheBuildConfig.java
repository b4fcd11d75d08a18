package io.quarkiverse.gcache.runtime.control;

import java.util.Optional;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;

/** Build-time configuration of GCache. */
@ConfigMapping(prefix = "quarkus.gcache")
@ConfigRoot(phase = ConfigPhase.BUILD_AND_RUN_TIME_FIXED)
public interface GCacheBuildConfig {

    /** The REMOTE layer. */
    Remote remote();

    interface Remote {
        /** Name of the Quarkus Redis client to use ({@code quarkus.redis.<name>.hosts}); empty = the default client. */
        Optional<String> clientName();
    }
}
