package io.quarkiverse.gcache.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same checks against the packaged application (jar, or native with -Dnative where GraalVM exists). */
@QuarkusIntegrationTest
class DemoIT extends DemoTest {
}
