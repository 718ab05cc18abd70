namespace Aqueduct.Civis.Api;

/// <summary>The paging headers of a list response (<c>X-Pagination-*</c>).</summary>
/// <param name="PerPage">Items per page.</param>
/// <param name="CurrentPage">This page, 1-based.</param>
/// <param name="TotalPages">How many pages there are.</param>
/// <param name="TotalEntries">How many items there are.</param>
public readonly record struct CivisPagination(int PerPage, int CurrentPage, int TotalPages, int TotalEntries);
