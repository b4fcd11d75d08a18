package io.quarkiverse.gcache.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkiverse.gcache.test.PrivateRedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * R16 tracing: with quarkus-opentelemetry, each request's server span tells which layer served its cached call. Same
 * resources as {@link DemoTest}, so both share one application start.
 */
@QuarkusTest
@QuarkusTestResource(PrivateRedisResource.class)
class TracingTest {

    private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> USE_CASE = AttributeKey.stringKey("gcache.use_case");
    private static final AttributeKey<String> LAYER = AttributeKey.stringKey("gcache.layer");
    private static final AttributeKey<Boolean> HIT = AttributeKey.booleanKey("gcache.hit");

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theServerSpanSaysWhichLayerServedTheCall() {
        String path = "/users/12"; // a user no other test reads, not even as a feed's author
        given().get(path).then().statusCode(200);
        given().get(path).then().statusCode(200);

        List<SpanData> requests = await().atMost(Duration.ofSeconds(30))
                .until(() -> serverSpans(path), found -> found.size() == 2);
        SpanData first = requests.get(0);
        assertThat(first.getAttributes().get(USE_CASE)).isEqualTo("GetUser");
        assertThat(first.getAttributes().get(LAYER)).isEqualTo("method");
        assertThat(first.getAttributes().get(HIT)).isFalse();
        SpanData second = requests.get(1);
        assertThat(second.getAttributes().get(USE_CASE)).isEqualTo("GetUser");
        assertThat(second.getAttributes().get(LAYER)).isEqualTo("LOCAL");
        assertThat(second.getAttributes().get(HIT)).isTrue();
        // a LOCAL hit never reaches REMOTE (R10a), so nothing was disabled or failed (the first call may meet a slow Redis)
        assertThat(second.getEvents()).noneMatch(e -> e.getName().startsWith("gcache."));
    }

    /** The reactive read path ({@code Uni}), on the event loop: the same attributes. */
    @Test
    void aReactiveCallIsTracedToo() {
        String path = "/users/11/reactive";
        given().get(path).then().statusCode(200);
        given().get(path).then().statusCode(200);

        List<SpanData> requests = await().atMost(Duration.ofSeconds(30))
                .until(() -> serverSpans(path), found -> found.size() == 2);
        assertThat(requests).extracting(s -> s.getAttributes().get(USE_CASE)).containsExactly("GetUserFeed", "GetUserFeed");
        assertThat(requests).extracting(s -> s.getAttributes().get(LAYER)).containsExactly("method", "LOCAL");
        assertThat(requests).extracting(s -> s.getAttributes().get(HIT)).containsExactly(false, true);
    }

    @Test
    void aCallOutsideAnEnableScopeIsMarkedDisabled() {
        String path = "/users/13/uncached";
        given().get(path).then().statusCode(200);

        SpanData request = await().atMost(Duration.ofSeconds(30))
                .until(() -> serverSpans(path), found -> found.size() == 1).get(0);
        assertThat(request.getAttributes().get(USE_CASE)).isEqualTo("GetUser");
        assertThat(request.getAttributes().get(LAYER)).isEqualTo("method");
        assertThat(request.getAttributes().get(HIT)).isFalse();
        assertThat(request.getEvents()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("gcache.disabled");
            assertThat(e.getAttributes().get(AttributeKey.stringKey("gcache.reason"))).isEqualTo("context");
            assertThat(e.getAttributes().get(LAYER)).isEqualTo("GLOBAL");
        });
    }

    /** The finished server spans of requests to {@code path}, oldest first. */
    private List<SpanData> serverSpans(String path) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER && path.equals(s.getAttributes().get(URL_PATH)))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .toList();
    }

    /** Quarkus exports to every {@code SpanExporter} bean: this one keeps the spans for the assertions. */
    @ApplicationScoped
    static class InMemorySpans {

        @Produces
        @Singleton
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }
}
