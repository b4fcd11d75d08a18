package io.quarkiverse.gcache.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import io.quarkiverse.gcache.test.PrivateRedis;
import io.quarkus.test.QuarkusDevModeTest;

/**
 * reference: runtime control end to end: the demo in dev mode, its Dev UI page in a real headless Chromium (Debian's chromium
 * and
 * chromium-driver, which .ci/run installs), hit rates moving as calls arrive, and a ramp slider that changes the
 * ramp; the "Is it helping" page with time saved, live charts and shadow verification. Saves
 * target/devui-gcache.png and target/devui-gcache-helping.png.
 */
class DevUiBrowserIT {

    static final PrivateRedis REDIS = PrivateRedis.shared();
    static final int PORT = freePort();

    @RegisterExtension
    static final QuarkusDevModeTest APP = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(User.class, Post.class, SlowDatabase.class, UserService.class,
                    UserResource.class, UserResource.FeedItem.class, UserResource.Rename.class, DbResource.class,
                    DbUsersResource.class)
                    .addAsResource(new StringAsset(demoConfig()), "application.properties"));

    @Test
    void sliderChangesTheRampAndHitRatesFollowTheCalls() throws Exception {
        String base = "http://localhost:" + PORT;
        assertThat(new File("/usr/bin/chromium")).as("apt-get install chromium chromium-driver").exists();
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--window-size=1600,800", "--user-data-dir=" + Files.createTempDirectory("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        ChromeDriver browser = new ChromeDriver(service, options);
        ScheduledExecutorService load = callUsers(base);
        try {
            browser.get(base + "/q/dev-ui/quarkus-gcache/use-cases");
            // rows appear, and GetUser's LOCAL layer reports calls per second and a hit rate
            await().atMost(Duration.ofSeconds(30)).until(() -> number(text(browser, "rate-GetUser-LOCAL")) > 0
                    && text(browser, "hitrate-GetUser-LOCAL").endsWith("%"));
            assertThat(text(browser, "ramp-value-GetUser-LOCAL")).isEqualTo("100");
            // R20: a REQUEST row for the use case that has the layer (the demo's GetUser), none for the others
            assertThat(find(browser, "misses-GetUser-REQUEST")).isNotNull();
            assertThat(find(browser, "misses-GetUserFeed-REQUEST")).isNull();

            WebElement slider = find(browser, "ramp-GetUser-LOCAL");
            slider.sendKeys(Keys.HOME); // moves it to 0; the page applies the override on change

            await().atMost(Duration.ofSeconds(10)).until(() -> "0".equals(text(browser, "ramp-value-GetUser-LOCAL")));
            // the kill switch shows: LOCAL stops serving, REMOTE takes the calls
            await().atMost(Duration.ofSeconds(15)).until(() -> number(text(browser, "rate-GetUser-LOCAL")) == 0
                    && number(text(browser, "rate-GetUser-REMOTE")) > 0
                    && text(browser, "hitrate-GetUser-REMOTE").endsWith("%"));
            awaitNoToast(browser);
            Files.write(Path.of("target/devui-gcache.png"), browser.getScreenshotAs(OutputType.BYTES));

            // R22, R23: "Is it helping": time saved grows, the charts draw, the shadow ramp of the demo's dev config
            browser.get(base + "/q/dev-ui/quarkus-gcache/is-it-helping");
            await().atMost(Duration.ofSeconds(30)).until(() -> text(browser, "saved-GetUser").matches("[0-9.]+(ms|s|m|h).*")
                    && "10".equals(text(browser, "shadow-ramp-value-GetUser")));
            assertThat(text(browser, "method-GetUser")).matches("[0-9.]+(ms|s)");
            await().atMost(Duration.ofSeconds(15)).until(() -> (Boolean) browser.executeScript(
                    "const c = arguments[0]; return c != null && c.shadowRoot != null"
                            + " && c.shadowRoot.querySelector('canvas') != null",
                    find(browser, "chart-hitrate-GetUser")));
            // the demo's GetUser hits are compared (shadow ramp 10 in dev mode): LOCAL's before the slider, REMOTE's after
            await().atMost(Duration.ofSeconds(30)).until(() -> text(browser, "match-rate-GetUser-LOCAL").endsWith("%")
                    || text(browser, "match-rate-GetUser-REMOTE").endsWith("%"));

            // shadow on for every hit, a row changed behind the cache's back: the mismatch shows up
            find(browser, "shadow-ramp-GetUser").sendKeys(Keys.END);
            await().atMost(Duration.ofSeconds(10)).until(() -> "100".equals(text(browser, "shadow-ramp-value-GetUser")));
            HttpResponse<String> renamed = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(base + "/db/users/2"))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"Renamed behind the cache\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(renamed.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> number(text(browser, "mismatches-GetUser-LOCAL"))
                    + number(text(browser, "mismatches-GetUser-REMOTE")) > 0);

            // the charts keep one point per second: ten of them, and no toast, before the screenshot
            await().atMost(Duration.ofSeconds(30)).until(() -> (Boolean) browser.executeScript(
                    "return arguments[0].series.every(s => s.data.length >= 10)", find(browser, "chart-rate-GetUser")));
            awaitNoToast(browser);
            Files.write(Path.of("target/devui-gcache-helping.png"), browser.getScreenshotAs(OutputType.BYTES));
        } finally {
            load.shutdownNow();
            browser.quit();
        }
    }

    private static String demoConfig() {
        try {
            String config = Files.readString(Path.of("src/main/resources/application.properties"));
            return config.replaceAll("(?m)^%dev\\.quarkus\\.redis\\.hosts=.*$", "")
                    + "\nquarkus.redis.hosts=" + REDIS.uri() + "\ndemo.db.latency=1ms\nquarkus.http.port=" + PORT
                    + "\nquarkus.http.test-port=" + PORT + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One call every 20 ms (bounded by the test's own duration). */
    private static ScheduledExecutorService callUsers(String base) {
        HttpClient http = HttpClient.newHttpClient();
        AtomicInteger n = new AtomicInteger();
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        load.scheduleAtFixedRate(() -> {
            try {
                http.send(HttpRequest.newBuilder(URI.create(base + "/users/" + (1 + n.getAndIncrement() % 3))).build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                // the app is still starting or stopping
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        return load;
    }

    /** Finds an element by id through every shadow root of the Dev UI. */
    private static WebElement find(ChromeDriver browser, String id) {
        return (WebElement) browser.executeScript("""
                const find = (root, id) => {
                    const hit = root.getElementById ? root.getElementById(id) : null;
                    if (hit) return hit;
                    for (const el of root.querySelectorAll('*')) {
                        if (el.shadowRoot) { const f = find(el.shadowRoot, id); if (f) return f; }
                    }
                    return null;
                };
                return find(document, arguments[0]);""", id);
    }

    /**
     * Waits until the Dev UI shows no notification: offline, its extension manager reports that it cannot reach the
     * Quarkus registry, in a toast that goes away after a few seconds.
     */
    private static void awaitNoToast(ChromeDriver browser) {
        await().atMost(Duration.ofSeconds(30)).until(() -> (Boolean) browser.executeScript("""
                const cards = [];
                const walk = root => {
                    for (const el of root.querySelectorAll('*')) {
                        if (el.localName === 'vaadin-notification-card') cards.push(el);
                        if (el.shadowRoot) walk(el.shadowRoot);
                    }
                };
                walk(document);
                return cards.every(c => !c.isConnected || c.offsetParent === null || c.textContent.trim() === '');"""));
    }

    private static String text(ChromeDriver browser, String id) {
        WebElement e = find(browser, id);
        return e == null ? "" : e.getText().trim();
    }

    private static double number(String text) {
        try {
            return Double.parseDouble(text.replace("%", "").trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
