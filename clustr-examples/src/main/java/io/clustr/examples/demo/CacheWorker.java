package io.clustr.examples.demo;

import io.clustr.Channel;
import io.clustr.Worker;

import java.util.Arrays;

import static io.clustr.Options.group;
import static io.clustr.Options.tethered;

/**
 * A demo cache worker: answers {@code get:<key>} with {@code value:<key>=...} to the sender, and prints the rest.
 * <p>
 * A cache must not miss what its group is told (an invalidation it missed would leave a stale entry), so it
 * subscribes to its group stream tethered: the stream waits for it rather than cut it loose when it falls behind.
 * The public stream stays untethered, as by default: there a cache that falls too far behind is cut loose, and told.
 */
public final class CacheWorker
{
    private CacheWorker()
    {
    }

    /**
     * Join group "cache" and confirm ready.
     *
     * @param args e.g. {@code --size 64m}.
     */
    public static void main(final String[] args)
    {
        final Worker worker = Worker.create(group("cache"), tethered(Channel.Kind.GROUP));
        System.out.println("cache started with " + Arrays.toString(args) + " on CPU " + worker.pinnedCpu());
        worker
            .onMissed((stream, bytesMissed) -> System.out.println(
                "cache fell behind on the " + stream + " stream: missed " + bytesMissed + " bytes"))
            .onPublic((msg) -> System.out.println("public from " + msg.senderId() + ": " + msg.text()))
            .onGroup((msg) -> System.out.println("group cache from " + msg.senderId() + ": " + msg.text()))
            .onPrivate((msg) ->
            {
                final String text = msg.text();
                if (text.startsWith("get:"))
                {
                    final String key = text.substring("get:".length());
                    worker.publish(Channel.worker(msg.senderId()), "value:" + key + "={name: 'Ada'}");
                }
                else
                {
                    System.out.println("private from " + msg.senderId() + ": " + text);
                }
            });
        worker.confirm("ready");
    }
}
