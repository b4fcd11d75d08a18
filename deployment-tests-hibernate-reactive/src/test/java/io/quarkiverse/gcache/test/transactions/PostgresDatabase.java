package io.quarkiverse.gcache.test.transactions;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;

/**
 * A PostgreSQL database of the test class's own, {@code gcache_hr_<random>} on 127.0.0.1:5432 (user postgres), created
 * when the class is loaded and dropped after it. Without PostgreSQL the class is skipped, with the reason, and the build
 * goes on: a condition, not an assumption inside the test, because QuarkusUnitTest starts the application (and
 * Hibernate Reactive creates its schema) before any test method could assume anything.
 * <p>
 * The name is kept in a system property: QuarkusUnitTest loads the test class again in the application's class loader,
 * and both copies must use the same database.
 */
public final class PostgresDatabase implements ExecutionCondition, AfterAllCallback {

    static final String HOST = "127.0.0.1";
    /** 5432; another port with {@code -Dgcache.test.postgres.port=…} (e.g. one nothing listens on, to see the skip). */
    static final int PORT = Integer.getInteger("gcache.test.postgres.port", 5432);
    static final String USER = "postgres";

    private static final String NAME = "gcache.test.hr.database";
    private static final String UNAVAILABLE = "gcache.test.hr.database.unavailable";

    /** The database's name, created on first call; {@code null} when PostgreSQL cannot be reached. */
    public static synchronized String name() {
        String name = System.getProperty(NAME);
        if (name != null || System.getProperty(UNAVAILABLE) != null) {
            return name;
        }
        name = "gcache_hr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try {
            execute("postgres", "CREATE DATABASE " + name);
            System.setProperty(NAME, name);
            return name;
        } catch (Exception e) {
            System.setProperty(UNAVAILABLE, String.valueOf(e));
            return null;
        }
    }

    /** The reactive URL of the database (of a database that does not exist when there is no PostgreSQL). */
    public static String reactiveUrl() {
        String name = name();
        return "postgresql://" + HOST + ":" + PORT + "/" + (name == null ? "absent" : name);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return name() != null ? ConditionEvaluationResult.enabled("PostgreSQL database " + name())
                : ConditionEvaluationResult.disabled("PostgreSQL is not reachable on " + HOST + ":" + PORT + " as user "
                        + USER + " (" + System.getProperty(UNAVAILABLE) + "): the Hibernate Reactive tests of R24 are "
                        + "skipped");
    }

    /** After QuarkusUnitTest's own afterAll (extensions of the class are called back in reverse): the pool is closed. */
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        String name = System.getProperty(NAME);
        if (name != null) {
            execute("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            System.clearProperty(NAME);
        }
    }

    /** Runs one statement on {@code database}, with a Vert.x of its own (the application's may not run yet). */
    static void execute(String database, String sql) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            PgConnectOptions options = new PgConnectOptions().setHost(HOST).setPort(PORT).setUser(USER)
                    .setDatabase(database).setConnectTimeout(2000);
            PgConnection.connect(vertx, options)
                    .compose(connection -> connection.query(sql).execute().eventually(() -> connection.close()))
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
