// What the console does, it does through the OpenAPI's own actions, run in-process as the signed-in user: the same
// parameters, checks, role rules (RpcActions.InvokeAsync) and error messages as a signed API call, so no business rule
// lives in a component. Reads that need typed rows use the registries directly, each in a scope of its own (a Blazor
// circuit lives for minutes; a DbContext must not).
using System.Text.Json.Nodes;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Console;

public sealed class ConsoleApi(ConsoleSession session, IServiceScopeFactory scopes, RpcActions actions, GrantDirectory grants, ILogger<ConsoleApi> log)
{
    /// <summary>Runs an OpenAPI action with these parameters (null values are left out) and returns its response
    /// body; a refusal is an IotException carrying the platform's code and message.</summary>
    public async Task<JsonObject> CallAsync(string action, IEnumerable<KeyValuePair<string, string?>> parameters, CancellationToken ct = default)
    {
        var me = await session.CurrentAsync(ct);
        var requestId = Guid.NewGuid().ToString().ToUpperInvariant();
        var values = parameters.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);
        var request = new RpcRequest(action, RpcEndpoint.ApiVersion, values, "console:" + me.UserName, me.AccountId, me.AccountUid, requestId, false);
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var result = await actions.InvokeAsync(new RpcCall(request, scope.ServiceProvider, ct, me.Caller));
            return RpcResponseWriter.Success(requestId, result);
        }
        catch (RpcGatewayException e)
        {
            log.LogWarning("Console {Action} by {User} refused: {Code} {Message}", action, me.UserName, e.Code, e.Message);
            throw new IotException(e.Code, e.Message);
        }
        catch (IotException e)
        {
            log.LogInformation("Console {Action} by {User} failed: {Code} {Message}", action, me.UserName, e.Code, e.Message);
            throw;
        }
    }

    public Task<JsonObject> CallAsync(string action, params (string Name, string? Value)[] parameters) =>
        CallAsync(action, parameters.Select(p => KeyValuePair.Create(p.Name, p.Value)));

    /// <summary>A typed read (or a change that has no OpenAPI action, checked with <paramref name="need"/>) with services
    /// of its own scope, as the signed-in user.</summary>
    public async Task<T> RunAsync<T>(Need need, Func<IServiceProvider, Caller, Task<T>> work, CancellationToken ct = default)
    {
        var me = await session.CurrentAsync(ct);
        me.Caller.Require(need);
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider, await grants.WithGrantsAsync(me.Caller, admitAuthorized: need == Need.Read, ct));
    }

    public Task<T> ReadAsync<T>(Func<IServiceProvider, Caller, Task<T>> read, CancellationToken ct = default) => RunAsync(Need.Read, read, ct);
}
