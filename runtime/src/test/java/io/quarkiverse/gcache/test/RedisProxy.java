package io.quarkiverse.gcache.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A TCP proxy put between the application and {@link PrivateRedis} to simulate network faults a server restart cannot:
 * connections that silently stop forwarding (a NAT or load balancer dropping idle flows) and partitions. Stalled
 * connections keep their sockets open, so neither end sees a close or a reset, and what either end sends is never
 * delivered, not even later: the proxy stops reading them and drops what it had buffered.
 * <p>
 * One daemon selector thread serves every connection, so hundreds of pooled connections cost no threads. The fault
 * methods run on that thread and return once they are in effect.
 */
public final class RedisProxy implements AutoCloseable {

    private static final int BUFFER = 16 * 1024;
    private static final long TASK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private enum State {
        CONNECTING,
        FORWARDING,
        STALLED,
        CLOSED
    }

    /** One side of a proxied connection; {@code in} holds bytes read from this side, not yet written to the peer. */
    private static final class End {
        final Conn conn;
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(BUFFER);
        SelectionKey key;
        End peer;
        boolean eof;
        boolean outputShut;

        End(Conn conn, SocketChannel channel) {
            this.conn = conn;
            this.channel = channel;
        }
    }

    private static final class Conn {
        final End client;
        End upstream;
        State state = State.CONNECTING;

        Conn(SocketChannel client) {
            this.client = new End(this, client);
        }
    }

    private final InetSocketAddress target;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final int port;
    private final Thread thread;
    private final Queue<FutureTask<?>> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    // owned by the selector thread
    private final Set<Conn> forwarding = new LinkedHashSet<>();
    private final Set<Conn> stalled = new LinkedHashSet<>();
    private boolean partitioned;

    private RedisProxy(int targetPort) throws IOException {
        InetAddress loopback = InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 });
        this.target = new InetSocketAddress(loopback, targetPort);
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(loopback, 0), 1024);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            server.close();
            selector.close();
            throw e;
        }
        this.port = server.socket().getLocalPort();
        this.thread = new Thread(this::loop, "redis-proxy-" + port + "->" + targetPort);
        thread.setDaemon(true);
        thread.start();
    }

    /** Listens on a free 127.0.0.1 port and forwards every accepted connection to 127.0.0.1:targetPort. */
    public static RedisProxy to(int targetPort) {
        try {
            return new RedisProxy(targetPort);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start proxy to port " + targetPort, e);
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * Every connection open now silently stops forwarding in both directions, sockets left open, like an idle flow
     * dropped by a NAT; connections accepted later forward normally.
     */
    public void stallExisting() {
        onLoop(() -> {
            acceptPending();
            stallAll();
            return null;
        });
    }

    /** Nothing forwards: open connections stall, and new ones are accepted but stall too, until {@link #heal()}. */
    public void partition() {
        onLoop(() -> {
            acceptPending();
            partitioned = true;
            stallAll();
            return null;
        });
    }

    /**
     * Ends {@link #partition()}: new connections forward again. Connections stalled before stay stalled, dead to both
     * ends as after a real partition, until {@link #closeStalled()}.
     */
    public void heal() {
        onLoop(() -> {
            acceptPending(); // connected during the partition: they stall
            partitioned = false;
            return null;
        });
    }

    /** Closes both sockets of every stalled connection, as when both ends finally time them out. */
    public void closeStalled() {
        onLoop(() -> {
            for (Conn conn : new ArrayList<>(stalled)) {
                closeConn(conn);
            }
            return null;
        });
    }

    /** Connections currently forwarding (or connecting upstream to do so); stalled ones are not counted. */
    public int openConnections() {
        if (closed) {
            return 0;
        }
        return onLoop(() -> {
            acceptPending();
            return forwarding.size();
        });
    }

    /** Connections stalled by {@link #stallExisting()} or {@link #partition()} and not closed yet. */
    public int stalledConnections() {
        if (closed) {
            return 0;
        }
        return onLoop(() -> {
            acceptPending();
            return stalled.size();
        });
    }

    /** Stops listening and closes every connection; returns once the proxy thread has ended. */
    @Override
    public void close() {
        if (closed && !thread.isAlive()) {
            return;
        }
        closed = true;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // cannot happen unless the loop is stuck: free the sockets anyway
            thread.interrupt();
            closeQuietly(server);
            closeQuietly(selector);
        }
    }

    /* ---------------------------------------------------------------- selector thread */

    private void loop() {
        try {
            while (!closed) {
                selector.select();
                runTasks();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext() && !closed) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (key.attachment() == null) {
                        acceptPending();
                    } else {
                        handle((End) key.attachment(), key);
                    }
                }
            }
        } catch (ClosedSelectorException e) {
            // close() gave up waiting
        } catch (Throwable e) {
            if (!closed) {
                System.err.println(Thread.currentThread().getName() + " failed: " + e);
                e.printStackTrace();
            }
        } finally {
            closed = true;
            for (Conn conn : new ArrayList<>(forwarding)) {
                closeConn(conn);
            }
            for (Conn conn : new ArrayList<>(stalled)) {
                closeConn(conn);
            }
            forwarding.clear();
            stalled.clear();
            closeQuietly(server);
            closeQuietly(selector);
            FutureTask<?> task;
            while ((task = tasks.poll()) != null) {
                task.cancel(false);
            }
        }
    }

    private void runTasks() {
        FutureTask<?> task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /** Runs the action on the selector thread, so it never races with forwarding, and waits for it. */
    private <T> T onLoop(Callable<T> action) {
        if (closed) {
            throw new IllegalStateException("proxy " + port + " is closed");
        }
        FutureTask<T> task = new FutureTask<>(action);
        tasks.add(task);
        selector.wakeup();
        long deadline = System.nanoTime() + TASK_TIMEOUT_NANOS;
        while (true) {
            try {
                return task.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (!thread.isAlive() || System.nanoTime() > deadline) {
                    task.cancel(false);
                    throw new IllegalStateException("proxy " + port + " is closed or stuck");
                }
            } catch (CancellationException e) {
                throw new IllegalStateException("proxy " + port + " is closed");
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Accepts every connection whose handshake the kernel already completed: for its client it is open already. */
    private void acceptPending() {
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                System.err.println(thread.getName() + " cannot accept: " + e);
                return;
            }
            if (channel == null) {
                return;
            }
            Conn conn = new Conn(channel);
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                conn.client.key = channel.register(selector, 0, conn.client);
                if (partitioned) {
                    conn.state = State.STALLED;
                    stalled.add(conn);
                    continue;
                }
                forwarding.add(conn);
                SocketChannel up = SocketChannel.open();
                conn.upstream = new End(conn, up);
                conn.client.peer = conn.upstream;
                conn.upstream.peer = conn.client;
                up.configureBlocking(false);
                up.setOption(StandardSocketOptions.TCP_NODELAY, true);
                boolean connected = up.connect(target);
                conn.upstream.key = up.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, conn.upstream);
                if (connected) {
                    conn.state = State.FORWARDING;
                    update(conn);
                }
            } catch (IOException e) {
                closeConn(conn); // upstream refused: the client sees its connection closed, as without the proxy
            }
        }
    }

    private void handle(End end, SelectionKey key) {
        Conn conn = end.conn;
        if (conn.state != State.CONNECTING && conn.state != State.FORWARDING) {
            return; // stalled or closed in this round
        }
        try {
            if (!key.isValid()) {
                closeConn(conn);
                return;
            }
            if (key.isConnectable()) {
                if (!end.channel.finishConnect()) {
                    return;
                }
                conn.state = State.FORWARDING;
            }
            if (key.isReadable()) {
                if (end.channel.read(end.in) < 0) {
                    end.eof = true;
                }
                flush(end);
            }
            if (key.isValid() && key.isWritable()) {
                flush(end.peer);
            }
            update(conn);
        } catch (IOException | RuntimeException e) {
            closeConn(conn); // reset, refused or broken pipe: close both sides, as a plain connection would
        }
    }

    /** Writes what was read from {@code from} to its peer, as far as the peer takes it. */
    private static void flush(End from) throws IOException {
        if (from.in.position() == 0) {
            return;
        }
        from.in.flip();
        try {
            from.peer.channel.write(from.in);
        } finally {
            from.in.compact();
        }
    }

    /** Passes half-closes on, closes when both directions are done, and sets interest from buffer space. */
    private void update(Conn conn) throws IOException {
        for (End end : new End[] { conn.client, conn.upstream }) {
            if (end.eof && end.in.position() == 0 && !end.peer.outputShut) {
                end.peer.outputShut = true;
                end.peer.channel.shutdownOutput();
            }
        }
        if (conn.client.outputShut && conn.upstream.outputShut) {
            closeConn(conn);
            return;
        }
        for (End end : new End[] { conn.client, conn.upstream }) {
            int ops = 0;
            if (!end.eof && end.in.hasRemaining()) {
                ops |= SelectionKey.OP_READ;
            }
            if (end.peer.in.position() > 0) {
                ops |= SelectionKey.OP_WRITE;
            }
            end.key.interestOps(ops);
        }
    }

    private void stallAll() {
        for (Conn conn : forwarding) {
            conn.state = State.STALLED;
            for (End end : new End[] { conn.client, conn.upstream }) {
                if (end == null) {
                    continue;
                }
                if (end.key != null && end.key.isValid()) {
                    end.key.interestOps(0); // never read again: what the peers send now stays unread
                }
                end.in.clear(); // and what was read but not written yet is dropped
            }
            stalled.add(conn);
        }
        forwarding.clear();
    }

    private void closeConn(Conn conn) {
        if (conn.state == State.CLOSED) {
            return;
        }
        conn.state = State.CLOSED;
        closeQuietly(conn.client.channel);
        if (conn.upstream != null) {
            closeQuietly(conn.upstream.channel);
        }
        forwarding.remove(conn);
        stalled.remove(conn);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
