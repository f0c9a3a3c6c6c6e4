package dev.tally.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder in front of a real server (PostgreSQL, RabbitMQ), so a test can make
 * that server unreachable for the application and bring it back without touching the server.
 */
public final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    /** The client side of every connection made before the last {@link #silence()}. */
    private final Set<Socket> silenced = ConcurrentHashMap.newKeySet();
    private final int port;
    private volatile ServerSocket server;
    private volatile Thread acceptor;
    private volatile boolean closed;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = openOnAFreePort();
    }

    /**
     * Listens on a port below Linux's ephemeral range (32768-60999 by default). A port of that range
     * can be taken, while the proxy is {@link #cut()}, as the local port of an outgoing connection
     * (the application's to RabbitMQ, another test's to PostgreSQL): {@link #restore()} then failed
     * with "Address already in use" (seen once in CI, StoreOutageAtTheDoorTest).
     */
    private int openOnAFreePort() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
            try {
                open(candidate);
                return candidate;
            } catch (java.net.BindException e) {
                last = e;
            }
        }
        throw last;
    }

    /** A proxy in front of the tests' PostgreSQL ({@link Infrastructure#postgresUrl()}). */
    public static TcpProxy inFrontOfPostgres() {
        URI server = URI.create(Infrastructure.postgresUrl().substring("jdbc:".length()));
        try {
            return new TcpProxy(server.getHost(), server.getPort() < 0 ? 5432 : server.getPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JDBC URL of the tests' PostgreSQL database through this proxy, on {@code schema} if not null. */
    public String postgresUrl(String schema) {
        String direct = Infrastructure.postgresUrl();
        String database = direct.substring(direct.lastIndexOf('/') + 1);
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + (schema == null ? "" : "?currentSchema=" + schema);
    }

    public int port() {
        return port;
    }

    /** Drops every connection and refuses new ones. */
    public void cut() throws IOException {
        Thread ending = null;
        synchronized (this) {
            if (server != null) {
                server.close();
                server = null;
                ending = acceptor;
            }
            for (Socket socket : sockets) {
                socket.close();
            }
            sockets.clear();
            silenced.clear();
        }
        // Outside the lock: the acceptor may be waiting for it, to drop a connection it had just accepted.
        awaitEnd(ending);
    }

    /**
     * Makes every open connection go silent, as if the server's host had vanished after
     * acknowledging what it was sent: what either side sends is taken and dropped, nothing is
     * answered and nothing is closed. New connections are forwarded as before (the server is
     * reachable again, at the same address, as after a failover).
     */
    public void silence() {
        silenced.addAll(sockets);
    }

    /** Accepts connections again. */
    public synchronized void restore() throws IOException {
        if (server == null) {
            openAgain();
        }
    }

    /**
     * Waits for the acceptor of the closed socket to return from {@code accept}: a socket closed
     * while a thread is blocked in it is released only once that thread has left (the JDK's
     * NioSocketImpl), so until then the port is still listened on, and a {@link #restore()} soon
     * after a cut failed with "Address already in use" on a busy machine (CI, twice:
     * StoreOutageAtTheDoorTest).
     */
    private static void awaitEnd(Thread acceptor) {
        if (acceptor != null) {
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Binds the proxy's port again; a port still held for a moment more is tried again, for up to 5 s. */
    private void openAgain() throws IOException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                open(port);
                return;
            } catch (java.net.BindException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void open(int port) throws IOException {
        var listening = new ServerSocket();
        listening.setReuseAddress(true);
        try {
            listening.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            listening.close();
            throw e;
        }
        server = listening;
        Thread accepting = new Thread(() -> accept(listening), "tcp-proxy-" + port);
        accepting.setDaemon(true);
        acceptor = accepting;
        accepting.start();
    }

    private void accept(ServerSocket listening) {
        while (!closed && !listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                if (!forward(listening, client, upstream)) {
                    continue;
                }
                pipe(client, upstream, client);
                pipe(upstream, client, client);
            } catch (IOException e) {
                // closed by cut() or close()
            }
        }
    }

    /**
     * Registers a connection accepted on {@code listening}, unless {@link #cut()} closed that
     * socket meanwhile: a connection accepted just before a cut must not outlive it (a pool
     * connection opened as the cut came would answer the health check, which would say UP: the
     * likely cause of one run of DependencyOutageTest that saw readiness answer other than 503
     * during a cut, not reproduced).
     */
    private synchronized boolean forward(ServerSocket listening, Socket client, Socket upstream) throws IOException {
        if (server != listening) {
            client.close();
            upstream.close();
            return false;
        }
        sockets.add(client);
        sockets.add(upstream);
        return true;
    }

    private void pipe(Socket from, Socket to, Socket client) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (silenced.contains(client)) {
                        continue;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
                silenced.remove(client);
            }
        }, "tcp-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cut();
    }
}
