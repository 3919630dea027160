'use strict';
// Node.js child_process IPC peer for clustr-bench: the parent forks ipc-child.js and talks to it with
// subprocess.send / process.send (default 'json' serialization, as a Node cluster application does).
//   node ipc-bench.js --mode throughput|rtt [--sizes 32,1024] [--warmup-ms 1000] [--duration-ms 2000]
// Prints 'BENCH key=value ...' lines, like the Java bench processes.
// Throughput: parent -> child as fast as the channel accepts (pausing when send() reports a backlog, until
// the write callback), the child counts messages between the start and end markers.
// Round trip: one ping outstanding, echoed by the child, timed with process.hrtime.bigint().

const { fork } = require('child_process');
const path = require('path');

function parseArgs(argv)
{
    const args = {};
    for (let i = 0; i < argv.length; i += 2)
    {
        args[argv[i].replace(/^--/, '')] = argv[i + 1];
    }
    return args;
}

const args = parseArgs(process.argv.slice(2));
const mode = args.mode || 'throughput';
const sizes = (args.sizes || '32,1024').split(',').map(Number);
const warmupNs = BigInt(args['warmup-ms'] || 1000) * 1000000n;
const durationNs = BigInt(args['duration-ms'] || 2000) * 1000000n;
const serialization = args.serialization || 'json';

function message(type, size)
{
    let filler = '';
    for (let i = 1; i < size; i++)
    {
        filler += String.fromCharCode(97 + (i % 26));
    }
    return type + filler;
}

const child = fork(path.join(__dirname, 'ipc-child.js'), [mode], { serialization });
let finished = false;
child.on('exit', (code) =>
{
    if (!finished)
    {
        console.error('ipc-child exited early with ' + code);
        process.exit(1);
    }
});

function runThroughput()
{
    let sizeIndex = 0;
    let sent = 0n;

    // Send msg until the deadline; when send() reports a backlog, resume on the write callback.
    function pump(msg, deadline, counted, done)
    {
        for (;;)
        {
            for (let i = 0; i < 256; i++)
            {
                if (!child.send(msg))
                {
                    child.send(msg, () => setImmediate(() => pump(msg, deadline, counted, done)));
                    if (counted)
                    {
                        sent += 2n;
                    }
                    return;
                }
                if (counted)
                {
                    sent++;
                }
            }
            if (process.hrtime.bigint() >= deadline)
            {
                setImmediate(done);
                return;
            }
        }
    }

    function nextSize()
    {
        if (sizeIndex >= sizes.length)
        {
            child.send(message('Q', sizes[sizes.length - 1]));
            return;
        }
        const size = sizes[sizeIndex++];
        const warm = message('W', size);
        const data = message('D', size);
        pump(warm, process.hrtime.bigint() + warmupNs, false, () =>
        {
            child.send(message('S', size));
            pump(data, process.hrtime.bigint() + durationNs, true, () =>
            {
                child.send(message('E', size), () => setImmediate(nextSize));
            });
        });
    }

    nextSize();
}

function percentile(sorted, p)
{
    const index = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
    return sorted[index];
}

function runRtt()
{
    let sizeIndex = 0;
    let samples = new Float64Array(1 << 20);
    let count = 0;
    let recording = false;
    let phaseEnd = 0n;
    let sentAt = 0n;
    let seq = 0;
    let filler = '';

    function startSize()
    {
        const size = sizes[sizeIndex];
        filler = message('P', size).substring(17);
        recording = false;
        count = 0;
        phaseEnd = process.hrtime.bigint() + warmupNs;
        ping();
    }

    function ping()
    {
        seq++;
        const seqText = String(seq).padStart(16, '0');
        sentAt = process.hrtime.bigint();
        child.send('P' + seqText + filler);
    }

    function report(size)
    {
        const sorted = samples.slice(0, count).sort();
        console.log('BENCH bench=rtt msg_bytes=' + size + ' count=' + count +
            ' p50_ns=' + Math.round(percentile(sorted, 50)) +
            ' p90_ns=' + Math.round(percentile(sorted, 90)) +
            ' p99_ns=' + Math.round(percentile(sorted, 99)) +
            ' p999_ns=' + Math.round(percentile(sorted, 99.9)) +
            ' max_ns=' + Math.round(sorted[count - 1]));
    }

    child.on('message', (m) =>
    {
        if (m === 'ready')
        {
            return;
        }
        const now = process.hrtime.bigint();
        if (Number(m.substring(1, 17)) !== seq)
        {
            return;
        }
        if (recording)
        {
            if (count === samples.length)
            {
                const bigger = new Float64Array(samples.length * 2);
                bigger.set(samples);
                samples = bigger;
            }
            samples[count++] = Number(now - sentAt);
        }
        if (now >= phaseEnd)
        {
            if (!recording)
            {
                recording = true;
                count = 0;
                phaseEnd = now + durationNs;
            }
            else
            {
                report(sizes[sizeIndex]);
                sizeIndex++;
                if (sizeIndex >= sizes.length)
                {
                    child.send('Q');
                    return;
                }
                startSize();
                return;
            }
        }
        ping();
    });

    startSize();
}

child.on('message', (m) =>
{
    if (m === 'ready')
    {
        console.log('BENCH ready');
        if (mode === 'rtt')
        {
            runRtt();
        }
        else
        {
            runThroughput();
        }
    }
    else if (m === 'done')
    {
        finished = true;
        child.disconnect();
    }
    else if (typeof m === 'string' && m.startsWith('BENCH '))
    {
        console.log(m);
    }
});
