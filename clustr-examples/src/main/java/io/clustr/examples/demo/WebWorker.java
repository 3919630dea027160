package io.clustr.examples.demo;

import io.clustr.Channel;
import io.clustr.Worker;

import static io.clustr.Options.group;

/**
 * A demo web worker: prints what it receives; on {@code lookup:<cacheId>:<key>} from the master it asks the cache
 * worker privately and relays the answer to the master.
 */
public final class WebWorker
{
    private WebWorker()
    {
    }

    /**
     * Join group "web" and confirm ready.
     *
     * @param args ignored.
     */
    public static void main(final String[] args)
    {
        // tag::worker[]
        final Worker worker = Worker.create(group("web"));
        worker
            .onPublic((msg) -> System.out.println("public from " + msg.senderId() + ": " + msg.text()))
            .onGroup((msg) -> System.out.println("group web from " + msg.senderId() + ": " + msg.text()))
            .onPrivate((msg) ->
            {
                final String text = msg.text();
                if (text.startsWith("lookup:"))
                {
                    final String[] parts = text.split(":", 3);
                    worker.publish(Channel.worker(Long.parseLong(parts[1])), "get:" + parts[2]);
                }
                else if (text.startsWith("value:"))
                {
                    worker.publish(Channel.worker(0), "cache answered " + text.substring("value:".length()));
                }
                else
                {
                    System.out.println("private from " + msg.senderId() + ": " + text);
                }
            })
            .onKill((code) -> System.out.println("killed: exiting with " + code));
        worker.confirm("ready");
        // end::worker[]
    }
}
