package northpole;

import java.lang.instrument.Instrumentation;
import java.nio.channels.spi.SelectorProvider;
import java.util.Map;
import java.util.Set;

/**
 * LocalStack starts DynamoDB Local with -javaagent pointing at a loader jar; this is the kit's.
 * Its manifest's Class-Path puts DynamoDB Local's Maven Central dependencies on the class path, and
 * it makes the server listen on loopback only: DynamoDB Local binds every interface and has no
 * option for it, and at a workshop the whole room shares the network.
 */
public final class LoopbackAgent {
    private LoopbackAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) throws ReflectiveOperationException {
        // The platform's own provider is internal to java.base; an agent may open it to itself.
        instrumentation.redefineModule(Object.class.getModule(), Set.of(), Map.of("sun.nio.ch", Set.of(LoopbackAgent.class.getModule())), Map.of(), Set.of(), Map.of());
        LoopbackSelectorProvider.platform = (SelectorProvider) Class.forName("sun.nio.ch.DefaultSelectorProvider").getMethod("get").invoke(null);
        System.setProperty("java.nio.channels.spi.SelectorProvider", LoopbackSelectorProvider.class.getName());
    }
}
