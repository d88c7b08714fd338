// A client connection's writes gathered into few socket writes. Microsoft.Azure.Amqp writes each frame to the socket
// as it is made, so a group sending a run of deliveries made a system call per message. Here a write is copied into
// a buffer and returns at once; the buffer goes to the socket from a pool thread (or at Uncork, when a sender has
// corked it around a run of deliveries), carrying everything written meanwhile, in order. The frames, their order and
// the library's own flow control are unchanged; a socket that fails fails the next write, which closes the connection
// as a failed write always did.
using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Transport;

namespace Thingyard.Server.Subscriptions.Amqp;

public sealed class CoalescingTransport : TransportBase
{
    readonly TransportBase _inner;
    readonly object _lock = new();
    readonly TransportAsyncCallbackArgs _args = new();
    ArrayBufferWriter<byte> _pending = new(4096), _writing = new(4096);
    bool _flushing; // a flush is queued or under way: writes only add to the buffer
    int _corked;
    bool _closeWhenFlushed;
    Exception? _failed;

    public CoalescingTransport(TransportBase inner) : base("coalescing")
    {
        _inner = inner;
        Principal = inner.Principal; // the SASL identity, which the connection reads from its transport
        _args.CompletedCallback = _ => { if (AfterWrite()) Flush(); };
    }

    public override string LocalEndPoint => _inner.LocalEndPoint;
    public override string RemoteEndPoint => _inner.RemoteEndPoint;
    public override bool IsSecure => _inner.IsSecure;
    public override void SetMonitor(ITransportMonitor usageMeter) => _inner.SetMonitor(usageMeter);
    public override bool ReadAsync(TransportAsyncCallbackArgs args) => _inner.ReadAsync(args);

    /// <summary>Copies the frame(s) to the buffer and completes at once (returns false: not pending).</summary>
    public override bool WriteAsync(TransportAsyncCallbackArgs args)
    {
        bool queue;
        lock (_lock)
        {
            if (_failed is not null)
            {
                args.Exception = _failed;
                return false;
            }
            if (args.Buffer is not null) _pending.Write(args.Buffer.AsSpan(args.Offset, args.Count));
            else foreach (var b in args.ByteBufferList) _pending.Write(b.Buffer.AsSpan(b.Offset, b.Length));
            args.BytesTransfered = args.Count;
            queue = !_flushing && _corked == 0;
            if (queue) _flushing = true;
        }
        if (queue) ThreadPool.UnsafeQueueUserWorkItem(static t => t.Flush(), this, preferLocal: false);
        return false;
    }

    /// <summary>Holds writes in the buffer until Uncork: a run of deliveries then leaves in one socket write.</summary>
    public void Cork()
    {
        lock (_lock) _corked++;
    }

    /// <summary>Ends a Cork and writes what it held, on the calling thread.</summary>
    public void Uncork()
    {
        bool flush;
        lock (_lock)
        {
            flush = --_corked == 0 && !_flushing && (_pending.WrittenCount > 0 || _closeWhenFlushed);
            if (flush) _flushing = true;
        }
        if (flush) Flush();
    }

    /// <summary>A safety net, run once a second: writes what waits in the buffer when no write is under way or corked
    /// (which should never be). Returns whether it found any.</summary>
    public bool Kick()
    {
        lock (_lock)
        {
            if (_flushing || _corked > 0 || _pending.WrittenCount == 0 || _failed is not null) return false;
            _flushing = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static t => t.Flush(), this, preferLocal: false);
        return true;
    }

    void Flush()
    {
        while (true)
        {
            bool write, close = false;
            lock (_lock)
            {
                write = _pending.WrittenCount > 0 && _failed is null && _corked == 0;
                if (write) (_pending, _writing) = (_writing, _pending);
                else
                {
                    _flushing = false;
                    close = _closeWhenFlushed && _corked == 0;
                }
            }
            if (!write)
            {
                if (close) _inner.SafeClose();
                return;
            }
            MemoryMarshal.TryGetArray(_writing.WrittenMemory, out ArraySegment<byte> batch);
            _args.SetBuffer(batch.Array, batch.Offset, batch.Count);
            bool pending;
            try { pending = _inner.WriteAsync(_args); }
            catch (Exception e)
            {
                _args.Exception = e;
                pending = false;
            }
            if (pending || !AfterWrite()) return; // a pending write continues in the callback
        }
    }

    /// <summary>After a socket write: false when it failed (the transport is then closed and every later write fails).</summary>
    bool AfterWrite()
    {
        var error = _args.Exception;
        _args.Exception = null;
        _args.BytesTransfered = 0;
        _args.SetBuffer(null, 0, 0);
        _writing.ResetWrittenCount();
        if (error is null) return true;
        lock (_lock)
        {
            _failed = error;
            _flushing = false;
        }
        _inner.SafeClose();
        return false;
    }

    protected override bool CloseInternal()
    {
        // The last frames (the close frame among them) are still in the buffer while a flush is under way or corked.
        lock (_lock)
        {
            if (_flushing || _corked > 0)
            {
                _closeWhenFlushed = true;
                return true;
            }
        }
        _inner.SafeClose();
        return true;
    }

    protected override void AbortInternal() => _inner.Abort();
}
