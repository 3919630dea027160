package io.clustr.bench.calls;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A {@link CallClient} for a system whose client blocks for each reply (Redis lists: LPUSH then BRPOP): every
 * caller gets a thread of its own (and, through {@link #open(int)}, a connection of its own), which makes the
 * caller's calls one after the other. A call started from the reply handler of that caller's thread, as {@link
 * CallDriver} does, is taken by the same thread without a hand-over.
 */
public abstract class BlockingCallClient implements CallClient
{
    private final Caller[] callers;
    private volatile boolean closed;

    /**
     * Start the caller threads; each opens its resources with {@link #open(int)} first.
     *
     * @param name    prefix of the threads' names.
     * @param callers how many callers.
     */
    protected BlockingCallClient(final String name, final int callers)
    {
        this.callers = new Caller[callers];
        for (int i = 0; i < callers; i++)
        {
            this.callers[i] = new Caller(name + "-caller-" + i, i);
        }
    }

    /**
     * Start the caller threads; call at the end of the subclass's constructor.
     */
    protected final void start()
    {
        for (final Caller caller : callers)
        {
            caller.start();
        }
    }

    /**
     * Open what one caller needs, in the caller's own thread, before its first call.
     *
     * @param caller index.
     * @throws Exception when it cannot.
     */
    protected abstract void open(int caller) throws Exception;

    /**
     * Make one call and wait for its reply, in the caller's own thread.
     *
     * @param caller  index.
     * @param request the request, exactly its length.
     * @return the reply.
     * @throws Exception when the call fails.
     */
    protected abstract byte[] callAndWait(int caller, byte[] request) throws Exception;

    /**
     * Release what one caller opened, in the caller's own thread, as it ends.
     *
     * @param caller index.
     */
    protected abstract void closeCaller(int caller);

    /**
     * {@inheritDoc}
     */
    public void call(final int caller, final DirectBuffer request, final int length, final ReplyHandler handler)
    {
        callers[caller].submit(request, length, handler);
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        closed = true;
        for (final Caller caller : callers)
        {
            caller.wake();
        }

        for (final Caller caller : callers)
        {
            try
            {
                caller.join(5000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Caller extends Thread
    {
        private final int index;
        private final UnsafeBuffer replyBuffer = new UnsafeBuffer(new byte[0]);
        private byte[] request;
        private ReplyHandler handler;

        Caller(final String name, final int index)
        {
            super(name);
            this.index = index;
            setDaemon(true);
        }

        synchronized void submit(final DirectBuffer buffer, final int length, final ReplyHandler handler)
        {
            if (null == request || request.length != length)
            {
                request = new byte[length];
            }

            buffer.getBytes(0, request, 0, length);
            this.handler = handler;
            notifyAll();
        }

        synchronized void wake()
        {
            notifyAll();
        }

        public void run()
        {
            try
            {
                open(index);
            }
            catch (final Exception ex)
            {
                failAll(ex);
                return;
            }

            try
            {
                while (true)
                {
                    final byte[] next;
                    final ReplyHandler replyHandler;
                    synchronized (this)
                    {
                        while (null == handler && !closed)
                        {
                            wait();
                        }

                        if (null == handler)
                        {
                            return;
                        }

                        next = request;
                        replyHandler = handler;
                        handler = null;
                    }

                    final byte[] reply;
                    try
                    {
                        reply = callAndWait(index, next);
                    }
                    catch (final Exception ex)
                    {
                        replyHandler.onError(index, ex);
                        continue;
                    }

                    replyBuffer.wrap(reply);
                    replyHandler.onReply(index, replyBuffer, 0, reply.length);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            finally
            {
                closeCaller(index);
            }
        }

        private void failAll(final Exception ex)
        {
            try
            {
                synchronized (this)
                {
                    while (null == handler && !closed)
                    {
                        wait();
                    }
                }
            }
            catch (final InterruptedException ie)
            {
                Thread.currentThread().interrupt();
                return;
            }

            final ReplyHandler replyHandler = handler;
            if (null != replyHandler)
            {
                replyHandler.onError(index, ex);
            }
        }
    }
}
