/**
 * The personal-data inventory (issue 11): which personal data the code collects, stores, logs and sends, and
 * where. The engine records facts (`FileResult.facts`) when run with `EngineConfig.inventory`; everything here is
 * a pure function over those results.
 *
 * - `buildInventory(files, options)` → the inventory model (the JSON output, schemas/inventory.schema.json);
 * - `formatInventory(inventory, format, options)` → markdown, json, csv or one self-contained HTML file;
 * - `buildPersonalDataTree(files, options)` → tree data for the editor's "Personal Data" view;
 * - `schemaFileFacts(path, text)` → facts of `.sql` and `.prisma` files, which the engine does not parse.
 */
import { formatInventoryCsv, formatInventoryJson, formatInventoryMarkdown, type InventoryFormat, type InventoryMarkdownOptions } from './format';
import { formatInventoryHtml, type InventoryHtmlOptions } from './html';
import type { Inventory } from './model';

export * from './model';
export { buildPersonalDataTree, type PersonalDataTreeNode, type PersonalDataTreeOptions, type PersonalDataNodeKind } from './tree';
export { INVENTORY_FORMATS, formatInventoryCsv, formatInventoryJson, formatInventoryMarkdown, csvCell, CSV_COLUMNS, type InventoryFormat, type InventoryMarkdownOptions } from './format';
export { formatInventoryHtml, inventoryDiagram, PROTECTION_COLOURS, type InventoryHtmlOptions } from './html';
export { schemaFileFacts, isSchemaFile } from './schema-files';
export { INVENTORY_RULES, INVENTORY_RULE_ID } from './rules';

export type InventoryFormatOptions = InventoryMarkdownOptions & InventoryHtmlOptions;

export function formatInventory(inv: Inventory, format: InventoryFormat, options: InventoryFormatOptions = {}): string {
  switch (format) {
    case 'markdown':
      return formatInventoryMarkdown(inv, options);
    case 'json':
      return formatInventoryJson(inv);
    case 'csv':
      return formatInventoryCsv(inv);
    case 'html':
      return formatInventoryHtml(inv, options);
  }
}
