package io.quarkiverse.gcache.test.validation;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Base of the build-error tests: each subclass registers an application whose build must fail with a given
 * message (GCacheApps.buildFails); QuarkusUnitTest then never runs this method.
 */
abstract class BuildFails {

    @Test
    void buildFails() {
        Assertions.fail("the build must fail");
    }
}
