// What every console page has: the signed-in user, the in-process API, and one way to run a change that shows the
// platform's message when it is refused (a snackbar, and the page's own error line for tests and screen readers).
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Thingyard.Common;

namespace Thingyard.Server.Console.Shared;

public abstract class ConsolePage : ComponentBase
{
    [Inject] protected ConsoleApi Api { get; set; } = default!;
    [Inject] protected ConsoleSession Session { get; set; } = default!;
    [Inject] protected ISnackbar Snackbar { get; set; } = default!;
    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    protected ConsoleIdentity? Me { get; private set; }
    /// <summary>The last refusal's message, shown by the page (role="alert").</summary>
    protected string? Error { get; set; }
    protected bool CanChange => Me?.CanChange == true;
    protected bool CanManageAccess => Me?.CanManageAccess == true;

    protected override async Task OnInitializedAsync()
    {
        Me = await Session.CurrentAsync();
        await LoadAsync();
    }

    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>Runs a change; true when it went through. A refusal (bad input, a role that may not) shows its message.</summary>
    protected async Task<bool> TryAsync(Func<Task> work, string? done = null)
    {
        Error = null;
        try
        {
            await work();
            if (done is not null) Snackbar.Add(done, Severity.Success);
            return true;
        }
        catch (IotException e)
        {
            Error = e.Message;
            Snackbar.Add(e.Message, Severity.Error);
            return false;
        }
        finally
        {
            StateHasChanged();
        }
    }
}
