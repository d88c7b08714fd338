// Page arithmetic shared by every paged list: 1-based pages, bounded page size. Offsets are computed in long: a page
// past the last possible row (CurrentPage=2147483647) is empty, never page 1 again through an overflow.
namespace Thingyard.Common;

public readonly record struct Paging(int Page, int PageSize)
{
    /// <summary>Rows before this page, clamped to int.MaxValue (what the query's OFFSET takes; no list is that long).</summary>
    public int Skip => (int)Math.Min((Page - 1L) * PageSize, int.MaxValue);

    public static Paging Of(int? page, int? pageSize, int defaultSize = 10, int maxSize = 200)
    {
        var p = page ?? 1;
        var s = pageSize ?? defaultSize;
        if (p < 1 || s < 1 || s > maxSize)
            throw new IotException(IotErrors.InvalidPageParams, $"CurrentPage must be at least 1 and PageSize between 1 and {maxSize}.");
        return new Paging(p, s);
    }

    public int PageCount(int total) => (int)((total + (long)PageSize - 1) / PageSize);
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, Paging Paging)
{
    public int PageCount => Paging.PageCount(Total);
}
