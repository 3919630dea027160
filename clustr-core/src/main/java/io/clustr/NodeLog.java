package io.clustr;

/**
 * The nodes' logger ({@code io.clustr.Node}), made on first use. {@code System.getLogger} for a class on the class
 * path finds the platform's logging backend there and then: a service-loader scan of the class path and the modules,
 * then {@code java.util.logging}'s set-up, about 50 classes and 40-50 ms of a worker's start on a 2-core machine
 * (measured with {@code -Xlog:class+load}). A node logs only on errors and when it exits, so holding the logger in a
 * static field of a class every node loads made every worker pay that before it could join.
 */
final class NodeLog
{
    private NodeLog()
    {
    }

    /**
     * @return the logger, made on the first call (class initialisation of the holder: thread safe, no lock after).
     */
    static System.Logger logger()
    {
        return Holder.LOGGER;
    }

    private static final class Holder
    {
        static final System.Logger LOGGER = System.getLogger(Node.class.getName());
    }
}
