// One stored thing model of a product module: the editable draft (Version null) or a published version.
namespace Thingyard.ThingModels;

public sealed class ThingModelRevision
{
    public long Id { get; set; }
    public long ProductId { get; set; }
    /// <summary>"" for the default module, or a custom function block id.</summary>
    public string FunctionBlockId { get; set; } = "";
    public string? FunctionBlockName { get; set; }
    /// <summary>Null for the draft; the version label once published.</summary>
    public string? Version { get; set; }
    public required string TslJson { get; set; }
    public string? Description { get; set; }
    public long CreatedAtMs { get; set; }
}
