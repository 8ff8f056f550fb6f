package northpole;

/**
 * LocalStack starts DynamoDB Local with -javaagent pointing at its own loader jar. This agent does
 * nothing at start-up; its jar exists so that the JVM starts, and its manifest's Class-Path puts
 * DynamoDB Local's Maven Central dependencies on the class path.
 */
public final class ClassPathAgent {
    private ClassPathAgent() {
    }

    public static void premain(String arguments) {
    }
}
