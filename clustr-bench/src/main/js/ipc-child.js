'use strict';
// Child side of ipc-bench.js: counts throughput messages (mode 'throughput') or echoes pings (mode 'rtt').

const mode = process.argv[2] || 'throughput';
let count = 0;
let warmup = 0;
let start = 0n;

function quit()
{
    process.send('done', () => process.exit(0));
}

process.on('message', (m) =>
{
    if (mode === 'rtt')
    {
        if (m === 'Q')
        {
            quit();
            return;
        }
        process.send(m);
        return;
    }

    const type = m.charCodeAt(0);
    if (type === 68) // 'D'
    {
        count++;
        return;
    }
    switch (m[0])
    {
        case 'W':
            warmup++;
            break;
        case 'S':
            count = 0;
            start = process.hrtime.bigint();
            break;
        case 'E':
            process.send('BENCH bench=throughput msg_bytes=' + m.length + ' msgs=' + count + ' ns=' +
                (process.hrtime.bigint() - start) + ' warmup_msgs=' + warmup);
            warmup = 0;
            break;
        case 'Q':
            quit();
            break;
        default:
            break;
    }
});

process.send('ready');
