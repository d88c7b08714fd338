// MQTT dynamic registration: the device connects (TLS) with authType=register or regnwl, the server pushes the result to
// /ext/register or /ext/regnwl right after CONNACK (the device does not subscribe), then closes the connection.
using System.Buffers;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Thingyard.Connectivity;

namespace Thingyard.Server.Connectivity;

public sealed class MqttRegistrationFlow(DynamicRegistration registration, ILogger<MqttRegistrationFlow> log)
{
    public async Task RunAsync(MqttServer server, string clientId, DynamicRegistrationRequest request)
    {
        var free = request.AuthType == "regnwl";
        var result = await registration.RegisterAsync(request.ProductKey, request.DeviceName, request.Random, request.SignMethod, request.Sign, free);
        if (result.Ok)
        {
            byte[] payload = free
                ? JsonSerializer.SerializeToUtf8Bytes(new { productKey = result.ProductKey, deviceName = result.DeviceName, clientId = result.ClientId, deviceToken = result.DeviceToken })
                : JsonSerializer.SerializeToUtf8Bytes(new { productKey = result.ProductKey, deviceName = result.DeviceName, deviceSecret = result.DeviceSecret });
            var session = await server.GetSessionAsync(clientId);
            await session.DeliverApplicationMessageAsync(new MqttApplicationMessage
            {
                Topic = free ? "/ext/regnwl" : "/ext/register",
                Payload = new ReadOnlySequence<byte>(payload),
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtMostOnce,
            });
            log.LogInformation("Registered {ProductKey}/{DeviceName} over MQTT ({AuthType})", request.ProductKey, request.DeviceName, request.AuthType);
        }
        else
        {
            log.LogInformation("MQTT registration of {ProductKey}/{DeviceName} refused: {Message}", request.ProductKey, request.DeviceName, result.Message);
        }
        // Give the push a moment to leave before closing.
        await Task.Delay(200);
        await server.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions
        {
            ReasonCode = result.Ok ? MqttDisconnectReasonCode.NormalDisconnection : MqttDisconnectReasonCode.NotAuthorized,
        });
    }
}
