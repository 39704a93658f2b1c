package io.mlmesh.inference;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay between inference-svc and the real registry, so that a test can break
 * the connection (a network partition) while both processes keep running: {@link #cut()}
 * closes every relayed connection and refuses new ones, {@link #restore()} accepts again on the
 * same port. Bytes pass unchanged; one thread per direction per connection.
 */
public final class TcpRelay implements AutoCloseable {

    private final int listenPort;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    public TcpRelay(int listenPort, int targetPort) {
        this.listenPort = listenPort;
        this.targetPort = targetPort;
    }

    /** Accepts connections on the listen port and relays each to the target port. */
    public synchronized void restore() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
        server = socket;
        daemon("relay-accept", () -> acceptAll(socket));
    }

    /** Closes every relayed connection and the listening socket: calls fail UNAVAILABLE. */
    public synchronized void cut() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        open.clear();
    }

    @Override
    public void close() throws IOException {
        cut();
    }

    private void acceptAll(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                daemon("relay-up", () -> pump(client, upstream));
                daemon("relay-down", () -> pump(upstream, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Copies until either side closes, then closes both (ending the other direction too). */
    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException connectionEnded) {
            // cut() or the other direction closed a socket: this direction is over too.
            return;
        }
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }
}
