// Turns domain errors into ProblemDetails with a real status: not found 404, already exists 409, storage unavailable
// 503, otherwise 400.
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Server.Rest;

public sealed class RestErrorFilter(ILogger<RestErrorFilter> log) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (IotException e)
        {
            var status = e is StorageUnavailableException ? 503
                : e.Code.Contains("NotExisted", StringComparison.Ordinal) ? 404
                : e.Code.Contains("AlreadyExisted", StringComparison.Ordinal) ? 409
                : e.Code.Contains("PermissionDeny", StringComparison.Ordinal) || e.Code == Thingyard.Access.Permissions.ForbiddenCode ? 403 : 400;
            log.LogInformation("REST {Path} failed: {Code} {Message}", context.HttpContext.Request.Path, e.Code, e.Message);
            return TypedResults.Problem(statusCode: status, title: e.Code, detail: e.Message, type: e.Code);
        }
    }
}
