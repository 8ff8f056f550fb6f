package northpole;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;

/**
 * The platform's NIO provider, except that a server socket asked to bind every interface binds
 * loopback instead. Jetty in DynamoDB Local accepts in blocking mode, so the wrapped channel is
 * never registered with a selector; the channels it accepts are the platform's own.
 */
public final class LoopbackSelectorProvider extends SelectorProvider {
    static SelectorProvider platform;

    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        return platform.openDatagramChannel();
    }

    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        return platform.openDatagramChannel(family);
    }

    @Override
    public Pipe openPipe() throws IOException {
        return platform.openPipe();
    }

    @Override
    public AbstractSelector openSelector() throws IOException {
        return platform.openSelector();
    }

    @Override
    public SocketChannel openSocketChannel() throws IOException {
        return platform.openSocketChannel();
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        return new LoopbackServerSocketChannel(this, platform.openServerSocketChannel());
    }

    private static final class LoopbackServerSocketChannel extends ServerSocketChannel {
        private final ServerSocketChannel platformChannel;

        LoopbackServerSocketChannel(SelectorProvider provider, ServerSocketChannel platformChannel) {
            super(provider);
            this.platformChannel = platformChannel;
        }

        @Override
        public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
            int port = local instanceof InetSocketAddress address ? address.getPort() : 0;
            boolean everyInterface = local == null || (local instanceof InetSocketAddress address && address.getAddress().isAnyLocalAddress());
            platformChannel.bind(everyInterface ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port) : local, backlog);
            return this;
        }

        @Override
        public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
            platformChannel.setOption(name, value);
            return this;
        }

        @Override
        public <T> T getOption(SocketOption<T> name) throws IOException {
            return platformChannel.getOption(name);
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return platformChannel.supportedOptions();
        }

        @Override
        public ServerSocket socket() {
            return platformChannel.socket();
        }

        @Override
        public SocketChannel accept() throws IOException {
            return platformChannel.accept();
        }

        @Override
        public SocketAddress getLocalAddress() throws IOException {
            return platformChannel.getLocalAddress();
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            platformChannel.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            platformChannel.configureBlocking(block);
        }
    }
}
