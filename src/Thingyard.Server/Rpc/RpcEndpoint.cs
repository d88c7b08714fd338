// The Alibaba RPC OpenAPI at "/": authenticate, dispatch by Action, answer in the platform's shapes.
using System.Diagnostics;
using Thingyard.Common;
using Thingyard.Server.Hosting;

namespace Thingyard.Server.Rpc;

public static class RpcEndpoint
{
    public const string ApiVersion = "2018-01-20";

    public static IEndpointRouteBuilder MapRpc(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/", ["GET", "POST"], HandleAsync).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    /// <summary>A person opening the server's address: a GET without an Action that asks for HTML. API clients always
    /// send an Action (and the SDKs never ask for HTML), so their calls and errors are unchanged.</summary>
    static bool IsBrowserVisit(HttpRequest r) =>
        HttpMethods.IsGet(r.Method) && !r.Query.ContainsKey("Action") && r.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal);

    static async Task HandleAsync(HttpContext http, RpcAuthenticator authenticator, RpcActions actions, ILoggerFactory loggers)
    {
        if (IsBrowserVisit(http.Request))
        {
            http.Response.Redirect(Console.ConsoleSetup.Landing);
            return;
        }
        var log = loggers.CreateLogger("Thingyard.Rpc");
        var requestId = Guid.NewGuid().ToString().ToUpperInvariant();
        var host = http.Request.Host.Host;
        string? action = null;
        var xmlRoot = (string?)null;
        Activity? activity = null;
        try
        {
            var request = await authenticator.AuthenticateAsync(http.Request, requestId, http.RequestAborted);
            action = request.Action;
            if (request.WantsXml) xmlRoot = action + "Response";
            if (!string.IsNullOrEmpty(request.Version) && request.Version != ApiVersion)
                throw new RpcGatewayException(400, "InvalidVersion", $"Specified parameter Version '{request.Version}' is not valid; use {ApiVersion}.");

            // Null unless traces are exported (Observability): no allocation then.
            activity = Observability.Activities.StartActivity("RPC action");
            if (activity is not null)
            {
                activity.DisplayName = action;
                activity.SetTag("rpc.system", "alibaba-pop");
                activity.SetTag("rpc.method", action);
                activity.SetTag("thingyard.request_id", requestId);
            }
            var result = await actions.InvokeAsync(new RpcCall(request, http.RequestServices, http.RequestAborted));
            await RpcResponseWriter.WriteAsync(http.Response, 200, RpcResponseWriter.Success(requestId, result), xmlRoot);
        }
        catch (RpcGatewayException e)
        {
            log.LogWarning("RPC {Action} refused ({RequestId}): {Code} {Message}", action ?? "?", requestId, e.Code, e.Message);
            await RpcResponseWriter.WriteAsync(http.Response, e.Status, RpcResponseWriter.GatewayError(requestId, host, e.Code, e.Message), xmlRoot);
        }
        catch (IotException e)
        {
            log.LogInformation("RPC {Action} failed ({RequestId}): {Code} {Message}", action, requestId, e.Code, e.Message);
            activity?.SetStatus(ActivityStatusCode.Error, e.Code);
            await RpcResponseWriter.WriteAsync(http.Response, 200, RpcResponseWriter.BusinessError(requestId, e.Code, e.Message), xmlRoot);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "RPC {Action} crashed ({RequestId})", action, requestId);
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            await RpcResponseWriter.WriteAsync(http.Response, 500,
                RpcResponseWriter.BusinessError(requestId, IotErrors.SystemException, "An internal error occurred; the request changed nothing it could not finish."), xmlRoot);
        }
        finally
        {
            activity?.Dispose();
        }
    }
}
