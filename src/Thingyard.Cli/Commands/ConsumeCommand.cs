// `thingyard subscribe consume GROUP`: a server-side subscription client on the terminal. Connects to the server's
// AMQP endpoint as Alibaba's clients do (Thingyard.Protocol's AmqpSubscriber, signed with the CLI's AccessKey), prints
// each message of the group as it arrives ("time topic payload", or one JSON object per line with --json) and accepts
// it once printed.
using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Thingyard.Protocol.Subscriptions;

namespace Thingyard.Cli.Commands;

public static class ConsumeCommand
{
    public static Command Build(CliContext cli)
    {
        var group = new Argument<string>("GROUP") { Description = "GroupId (DEFAULT_GROUP or 26 characters)" };
        var port = new Option<int?>("--port") { Description = "AMQP port (default 5671, or 5672 with --plain)" };
        var plain = new Option<bool>("--plain") { Description = "Plain AMQP instead of TLS (Thingyard:Amqp:Port, for local development)" };
        var ca = new Option<string>("--ca") { Description = "PEM certificate to trust for TLS (the server's DataDir/mqtt-tls.crt when self-signed)" };
        var count = new Option<int?>("--count") { Description = "Stop after this many messages (default: until Ctrl-C)" };
        var clientId = new Option<string>("--client-id") { Description = "The client id the group's status shows (default thingyard-cli-HOST)" };
        var command = new Command("consume", "Receive a consumer group's messages over AMQP and print them as they arrive") { group, port, plain, ca, count, clientId };
        command.SetAction((r, ct) => cli.RunAsync(async () =>
        {
            var (endpoint, keyId, secret) = cli.Config(r).Require();
            var tls = !r.GetValue(plain);
            var options = new AmqpSubscriber.Options(endpoint.Host, r.GetValue(port) ?? (tls ? 5671 : 5672), keyId, secret, r.GetValue(group)!)
            {
                Tls = tls,
                ClientId = r.GetValue(clientId) ?? "thingyard-cli-" + Environment.MachineName,
                ValidateCertificate = r.GetValue(ca) is { } pem ? Trusting(pem) : null,
            };
            await ConsumeAsync(cli, options, r.GetValue(count), r.GetValue(cli.Json), ct);
        }));
        return command;
    }

    static async Task ConsumeAsync(CliContext cli, AmqpSubscriber.Options options, int? count, bool json, CancellationToken ct)
    {
        AmqpSubscriber client;
        try { client = await AmqpSubscriber.ConnectAsync(options, ct); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CliException($"cannot consume {options.ConsumerGroupId} at {(options.Tls ? "amqps" : "amqp")}://{options.Host}:{options.Port}: {e.Message}");
        }
        await using (client)
        {
            if (!json) await cli.Err.WriteLineAsync($"consuming {options.ConsumerGroupId}{(count is null ? "; Ctrl-C to stop" : "")}");
            var seen = 0;
            try
            {
                while (count is null || seen < count)
                {
                    if (await client.ReceiveAsync(TimeSpan.FromSeconds(1), ct) is not { } got) continue;
                    var m = got.Message;
                    await cli.Out.WriteLineAsync(json ? Json(m) : Line(m));
                    await cli.Out.FlushAsync(ct);
                    client.Accept(got.Tag); // printed: the group may forget it
                    seen++;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        }
    }

    static string Line(SubscribedMessage m) =>
        $"{DateTimeOffset.FromUnixTimeMilliseconds(m.GenerateTime).ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {m.Topic} {Encoding.UTF8.GetString(m.Payload)}";

    static string Json(SubscribedMessage m)
    {
        var payload = Encoding.UTF8.GetString(m.Payload);
        object body;
        try { body = JsonDocument.Parse(payload).RootElement; }
        catch (JsonException) { body = payload; } // a custom topic's bytes, as text
        return JsonSerializer.Serialize(new { topic = m.Topic, messageId = m.MessageId, generateTime = m.GenerateTime, payload = body });
    }

    /// <summary>Trusts exactly the certificate in <paramref name="pemPath"/> (a self-signed server's).</summary>
    static System.Net.Security.RemoteCertificateValidationCallback Trusting(string pemPath)
    {
        var trusted = X509Certificate2.CreateFromPem(File.ReadAllText(pemPath));
        return (_, certificate, _, _) => certificate is not null &&
            System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(certificate.GetCertHash(), trusted.GetCertHash());
    }
}
