// TLS on a Kestrel connection by DeviceTls instead of Kestrel's own HTTPS: the handshake runs over the connection's
// pipes, then the HTTP layer reads and writes the decrypted stream. Kestrel's HTTPS cannot say why a handshake
// failed (it logs at Debug without the address); DeviceTls does, with the device ports' cipher suites and deadline.
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Thingyard.Server.Connectivity;

namespace Thingyard.Server.Hosting;

public static class TlsOverKestrel
{
    public static async Task RunAsync(ConnectionContext connection, ConnectionDelegate next, DeviceTls tls, string port)
    {
        // No cancellation: a client that drops the connection fails the handshake, which is logged like any failure.
        var ssl = await tls.AuthenticateAsync(new DuplexPipeStream(connection.Transport), connection.RemoteEndPoint, port, CancellationToken.None);
        if (ssl is null) return;
        var transport = connection.Transport;
        var input = PipeReader.Create(ssl, new StreamPipeReaderOptions(leaveOpen: true));
        var output = PipeWriter.Create(ssl, new StreamPipeWriterOptions(leaveOpen: true));
        connection.Transport = new DecryptedPipe(input, output);
        // Its presence makes requests https (Request.IsHttps, Scheme); no client certificates are asked for.
        connection.Features.Set<ITlsConnectionFeature>(new NoClientCertificate());
        try
        {
            await next(connection);
        }
        finally
        {
            await input.CompleteAsync();
            await output.CompleteAsync();
            connection.Transport = transport; // Kestrel closes the connection through its own pipes
            await ssl.DisposeAsync();
        }
    }

    sealed record DecryptedPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    sealed class NoClientCertificate : ITlsConnectionFeature
    {
        public X509Certificate2? ClientCertificate { get; set; }
        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }

    /// <summary>The connection's pipes as the stream SslStream runs over. Disposing it leaves the pipes to Kestrel.</summary>
    sealed class DuplexPipeStream(IDuplexPipe pipe) : Stream
    {
        readonly Stream _input = pipe.Input.AsStream(leaveOpen: true);
        readonly Stream _output = pipe.Output.AsStream(leaveOpen: true);

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _input.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _input.ReadAsync(buffer, offset, count, cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);
        // A pipe write is a write and a flush.
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _output.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _output.WriteAsync(buffer, offset, count, cancellationToken);
        public override void Write(byte[] buffer, int offset, int count) => _output.Write(buffer, offset, count);
        public override Task FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);
        public override void Flush() => _output.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
