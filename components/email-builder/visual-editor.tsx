"use client";

import {
  closestCenter,
  DndContext,
  type CollisionDetection,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { ArrowDown, ArrowUp, Code2, Copy, GripVertical, Plus, Redo2, Trash2, Undo2 } from "lucide-react";
import { type ReactNode, useEffect, useId, useState } from "react";
import { FONT_STACKS, RECOMMEND_STRATEGIES, SOCIAL_NETWORKS } from "@/lib/email-builder/document";
import { Button } from "../ui/button";
import {
  BLOCK_LABELS,
  type Block,
  type BlockType,
  blockPath,
  duplicateBlock,
  type EmailDocument,
  findBlock,
  insertBlock,
  insertInColumn,
  LEAF_TYPES,
  type LeafBlock,
  moveBlock,
  moveTo,
  newBlock,
  PALETTE,
  removeBlock,
  updateBlock,
} from "./model";
import { RichTextInput } from "./rich-text-input";
import { listPartials, type VisualEmail } from "./use-visual-email";

const CONTROL =
  "block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm text-stone-900 shadow-sm ring-1 ring-inset ring-stone-300 focus:ring-2 focus:ring-inset focus:ring-brand-600 outline-none";

/**
 * The visual email editor: a palette of blocks (drag one onto the email, or press it to add it at the end),
 * the email's blocks in order (drag by the handle, or with the keyboard: focus the handle, Space, arrows, Space),
 * the selected block's properties, the document's settings, undo and redo. The server compiles the document
 * to HTML (MJML) for the preview and again at save; its problems show under the block they name.
 */
/**
 * Where a drag lands: the block whose centre is nearest, so a palette item dropped on a block goes in before it
 * (below the last block: before the footer, which stays last); the canvas itself only when it has no blocks. Plain
 * closestCenter let the canvas win, its centre being near the middle block's, and the drop went to the end.
 */
const blockFirst: CollisionDetection = (args) => {
  const blocks = closestCenter({
    ...args,
    droppableContainers: args.droppableContainers.filter((c) => c.id !== "canvas"),
  });
  return blocks.length ? blocks : closestCenter(args);
};

export function VisualEmailEditor({
  slug,
  visual,
  readOnly,
  saveErrors,
  onSwitchToCode,
}: {
  slug: string;
  visual: VisualEmail;
  readOnly: boolean;
  saveErrors: Record<string, string>;
  onSwitchToCode: (html: string) => void;
}) {
  const document = visual.document as EmailDocument;
  const [selected, setSelected] = useState<string | null>(document.blocks[0]?.id ?? null);
  const [partials, setPartials] = useState<string[]>([]);
  useEffect(() => {
    let cancelled = false;
    void listPartials(slug).then((result) => {
      if (!cancelled && result.ok)
        setPartials(result.data.templates.filter((t) => t.currentVersion > 0 && !t.archived).map((t) => t.name));
    });
    return () => {
      cancelled = true;
    };
  }, [slug]);

  const errors = { ...visual.errors, ...saveErrors };
  const errorsOf = (id: string): [string, string][] => {
    const prefix = blockPath(document, id);
    if (!prefix) return [];
    return Object.entries(errors).filter(([path]) => path === prefix || path.startsWith(`${prefix}.`));
  };
  const documentErrors = Object.entries(errors).filter(
    ([path]) =>
      path === "content.html" ||
      path === "content.editor" ||
      path === "content.editor.document" ||
      path === "content.editor.document.blocks" ||
      path.startsWith("content.editor.document.settings"),
  );

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const change = (next: EmailDocument) => {
    if (!readOnly) visual.change(next);
  };
  const add = (type: BlockType, index?: number) => {
    const block = newBlock(type);
    change(insertBlock(document, block, index));
    setSelected(block.id);
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over) return;
    const activeId = String(active.id);
    const overIndex = document.blocks.findIndex((b) => b.id === over.id);
    if (activeId.startsWith("palette:")) {
      add(activeId.slice("palette:".length) as BlockType, overIndex >= 0 ? overIndex : undefined);
      return;
    }
    if (overIndex >= 0) change(moveTo(document, activeId, overIndex));
  };
  const selectedBlock = selected ? findBlock(document, selected) : null;
  const inColumn = !!selectedBlock && !document.blocks.some((b) => b.id === selectedBlock.id);

  return (
    <div className="space-y-3" data-testid="visual-editor">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-medium text-stone-800">Email body (visual)</h3>
        <div className="flex items-center gap-1">
          <Button
            variant="ghost"
            className="px-2 py-1 text-xs"
            onClick={visual.undo}
            disabled={readOnly || !visual.canUndo}
          >
            <Undo2 className="h-3.5 w-3.5" aria-hidden="true" /> Undo
          </Button>
          <Button
            variant="ghost"
            className="px-2 py-1 text-xs"
            onClick={visual.redo}
            disabled={readOnly || !visual.canRedo}
          >
            <Redo2 className="h-3.5 w-3.5" aria-hidden="true" /> Redo
          </Button>
          {readOnly ? null : (
            <Button
              variant="secondary"
              className="px-2 py-1 text-xs"
              onClick={() => {
                if (
                  window.confirm(
                    "Switch to code? The email's HTML becomes its code and the visual layout is left behind: this template cannot go back to the visual editor.",
                  )
                )
                  onSwitchToCode(visual.switchToCode());
              }}
            >
              <Code2 className="h-3.5 w-3.5" aria-hidden="true" /> Switch to code
            </Button>
          )}
        </div>
      </div>
      {visual.compileError ? (
        <p role="alert" className="text-sm text-red-700">
          The preview could not be compiled: {visual.compileError}
        </p>
      ) : null}
      {documentErrors.length ? (
        <ul role="alert" className="space-y-0.5 text-sm text-red-700" data-testid="document-errors">
          {documentErrors.map(([path, message]) => (
            <li key={path}>{message}</li>
          ))}
        </ul>
      ) : null}
      <DndContext sensors={sensors} collisionDetection={blockFirst} onDragEnd={onDragEnd}>
        {readOnly ? null : (
          <div className="flex flex-wrap gap-1.5" aria-label="Blocks to add" role="group" data-testid="block-palette">
            {PALETTE.map((type) => (
              <PaletteItem key={type} type={type} onAdd={() => add(type)} />
            ))}
          </div>
        )}
        <SortableContext items={document.blocks.map((b) => b.id)} strategy={verticalListSortingStrategy}>
          <Canvas>
            {document.blocks.map((block, index) => (
              <SortableBlock
                key={block.id}
                block={block}
                index={index}
                count={document.blocks.length}
                selected={selected}
                hasErrors={errorsOf(block.id).length > 0}
                errorsOf={errorsOf}
                readOnly={readOnly}
                onSelect={setSelected}
                onMove={(id, by) => change(moveBlock(document, id, by))}
                onDuplicate={(id) => change(duplicateBlock(document, id))}
                onDelete={(id) => {
                  change(removeBlock(document, id));
                  if (selected === id) setSelected(null);
                }}
                onAddToColumn={(column, type) => {
                  const inner = newBlock(type) as LeafBlock;
                  change(insertInColumn(document, block.id, column, inner));
                  setSelected(inner.id);
                }}
              />
            ))}
          </Canvas>
        </SortableContext>
      </DndContext>
      {selectedBlock ? (
        <BlockProperties
          key={selectedBlock.id}
          block={selectedBlock}
          inColumn={inColumn}
          partials={partials}
          readOnly={readOnly}
          errors={errorsOf(selectedBlock.id)}
          pathPrefix={blockPath(document, selectedBlock.id) ?? ""}
          onChange={(next) => change(updateBlock(document, selectedBlock.id, () => next as Block))}
        />
      ) : (
        <p className="text-sm text-stone-500">Select a block to edit it.</p>
      )}
      <DocumentSettingsForm
        document={document}
        readOnly={readOnly}
        onChange={(settings) => change({ ...document, settings })}
      />
    </div>
  );
}

function PaletteItem({ type, onAdd }: { type: BlockType; onAdd: () => void }) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: `palette:${type}` });
  // the pointer drags a palette item; the keyboard presses it (Enter or Space adds the block at the end), so
  // its key presses are not the keyboard sensor's
  const pointerListeners = { ...listeners };
  delete pointerListeners.onKeyDown;
  return (
    <button
      ref={setNodeRef}
      type="button"
      {...pointerListeners}
      {...attributes}
      onClick={onAdd}
      aria-label={`Add a ${BLOCK_LABELS[type]} block`}
      data-testid={`palette-${type}`}
      style={{ transform: CSS.Translate.toString(transform), opacity: isDragging ? 0.6 : 1 }}
      className="inline-flex items-center gap-1 rounded-md bg-white px-2 py-1 text-xs font-medium text-stone-700 shadow-sm ring-1 ring-stone-300 ring-inset hover:bg-stone-50"
    >
      <Plus className="h-3 w-3" aria-hidden="true" />
      {BLOCK_LABELS[type]}
    </button>
  );
}

function Canvas({ children }: { children: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: "canvas" });
  return (
    <ol
      ref={setNodeRef}
      aria-label="The email's blocks, in order"
      className={`min-h-24 space-y-1.5 rounded-lg bg-stone-50 p-2 ring-1 ring-stone-200 ${isOver ? "ring-brand-500" : ""}`}
      data-testid="block-canvas"
    >
      {children}
    </ol>
  );
}

/** A short line describing a block on the canvas. */
function summary(block: Block | LeafBlock): string {
  switch (block.type) {
    case "text":
      return block.html.replace(/<[^>]+>/g, "").slice(0, 80) || "(empty)";
    case "image":
      return block.alt || block.src;
    case "button":
      return `${block.label} → ${block.href}`;
    case "columns":
      return `${block.columns.length} columns`;
    case "divider":
      return "—";
    case "spacer":
      return `${block.height} px`;
    case "product":
      return block.source.kind === "item"
        ? `${block.catalog}: the item ${block.source.id}`
        : `${block.catalog}: ${block.source.strategy.replace(/_/g, " ")} (${block.source.limit})`;
    case "social":
      return block.links.map((l) => l.network).join(", ");
    case "footer":
      return "Unsubscribe and preferences links";
    case "partial":
      return block.name ? `{% render '${block.name}' %}` : "(choose a partial)";
  }
}

function SortableBlock({
  block,
  index,
  count,
  selected,
  hasErrors,
  errorsOf,
  readOnly,
  onSelect,
  onMove,
  onDuplicate,
  onDelete,
  onAddToColumn,
}: {
  block: Block;
  index: number;
  count: number;
  selected: string | null;
  hasErrors: boolean;
  errorsOf: (id: string) => [string, string][];
  readOnly: boolean;
  onSelect: (id: string) => void;
  onMove: (id: string, by: -1 | 1) => void;
  onDuplicate: (id: string) => void;
  onDelete: (id: string) => void;
  onAddToColumn: (column: number, type: Exclude<BlockType, "columns">) => void;
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: block.id,
    disabled: readOnly,
  });
  const label = BLOCK_LABELS[block.type];
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition, opacity: isDragging ? 0.6 : 1 }}
      className={`rounded-md bg-white p-2 ring-1 ring-inset ${
        selected === block.id ? "ring-2 ring-brand-600" : hasErrors ? "ring-red-400" : "ring-stone-200"
      }`}
      data-testid="canvas-block"
      data-block-type={block.type}
    >
      <div className="flex items-center gap-2">
        {readOnly ? null : (
          <button
            type="button"
            ref={setActivatorNodeRef}
            {...listeners}
            {...attributes}
            aria-label={`Move the ${label} block (block ${index + 1} of ${count})`}
            className="cursor-grab rounded p-0.5 text-stone-400 hover:bg-stone-100 hover:text-stone-700"
            data-testid="drag-handle"
          >
            <GripVertical className="h-4 w-4" aria-hidden="true" />
          </button>
        )}
        <button
          type="button"
          onClick={() => onSelect(block.id)}
          aria-pressed={selected === block.id}
          className="min-w-0 flex-1 text-left"
          data-testid="select-block"
        >
          <span className="text-xs font-semibold tracking-wide text-stone-500 uppercase">
            {label}
            {block.condition ? <span className="ml-1 font-normal normal-case">(if {block.condition})</span> : null}
          </span>
          <span className="block truncate text-sm text-stone-800">{summary(block)}</span>
        </button>
        {readOnly ? null : (
          <BlockActions id={block.id} label={label} onMove={onMove} onDuplicate={onDuplicate} onDelete={onDelete} />
        )}
      </div>
      {block.type === "columns" ? (
        <div className={`mt-2 grid gap-2 ${block.columns.length === 3 ? "grid-cols-3" : "grid-cols-2"}`}>
          {block.columns.map((column, c) => (
            <div
              key={c}
              className="space-y-1 rounded bg-stone-50 p-1.5 ring-1 ring-stone-200"
              aria-label={`Column ${c + 1}`}
            >
              {column.blocks.map((inner) => (
                <div
                  key={inner.id}
                  className={`flex items-center gap-1 rounded bg-white px-1.5 py-1 ring-1 ring-inset ${
                    selected === inner.id
                      ? "ring-2 ring-brand-600"
                      : errorsOf(inner.id).length
                        ? "ring-red-400"
                        : "ring-stone-200"
                  }`}
                  data-testid="column-block"
                >
                  <button type="button" onClick={() => onSelect(inner.id)} className="min-w-0 flex-1 text-left text-xs">
                    <span className="font-semibold text-stone-500">{BLOCK_LABELS[inner.type]}</span>{" "}
                    <span className="block truncate text-stone-800">{summary(inner)}</span>
                  </button>
                  {readOnly ? null : (
                    <BlockActions
                      id={inner.id}
                      label={BLOCK_LABELS[inner.type]}
                      onMove={onMove}
                      onDuplicate={onDuplicate}
                      onDelete={onDelete}
                    />
                  )}
                </div>
              ))}
              {readOnly ? null : (
                <select
                  aria-label={`Add a block to column ${c + 1}`}
                  className="w-full rounded border-0 bg-white py-0.5 text-xs ring-1 ring-stone-300"
                  value=""
                  onChange={(e) => {
                    if (e.target.value) onAddToColumn(c, e.target.value as Exclude<BlockType, "columns">);
                  }}
                >
                  <option value="">+ Add…</option>
                  {LEAF_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {BLOCK_LABELS[type]}
                    </option>
                  ))}
                </select>
              )}
            </div>
          ))}
        </div>
      ) : null}
    </li>
  );
}

function BlockActions({
  id,
  label,
  onMove,
  onDuplicate,
  onDelete,
}: {
  id: string;
  label: string;
  onMove: (id: string, by: -1 | 1) => void;
  onDuplicate: (id: string) => void;
  onDelete: (id: string) => void;
}) {
  const icon = "rounded p-1 text-stone-400 hover:bg-stone-100 hover:text-stone-700";
  return (
    <span className="flex shrink-0 items-center">
      <button type="button" className={icon} onClick={() => onMove(id, -1)} aria-label={`Move the ${label} block up`}>
        <ArrowUp className="h-3.5 w-3.5" aria-hidden="true" />
      </button>
      <button type="button" className={icon} onClick={() => onMove(id, 1)} aria-label={`Move the ${label} block down`}>
        <ArrowDown className="h-3.5 w-3.5" aria-hidden="true" />
      </button>
      <button
        type="button"
        className={icon}
        onClick={() => onDuplicate(id)}
        aria-label={`Duplicate the ${label} block`}
      >
        <Copy className="h-3.5 w-3.5" aria-hidden="true" />
      </button>
      <button type="button" className={icon} onClick={() => onDelete(id)} aria-label={`Delete the ${label} block`}>
        <Trash2 className="h-3.5 w-3.5" aria-hidden="true" />
      </button>
    </span>
  );
}

/** One labelled property, its error (by the server's path) beneath it. */
function Prop({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: (id: string, describedBy?: string) => ReactNode;
}) {
  const id = useId();
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium text-stone-700">
        {label}
      </label>
      {children(id, describedBy)}
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-stone-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

function BlockProperties({
  block,
  inColumn,
  partials,
  readOnly,
  errors,
  pathPrefix,
  onChange,
}: {
  block: Block | LeafBlock;
  inColumn: boolean;
  partials: string[];
  readOnly: boolean;
  errors: [string, string][];
  pathPrefix: string;
  onChange: (block: Block | LeafBlock) => void;
}) {
  const errorAt = (field: string) => errors.find(([path]) => path === `${pathPrefix}.${field}`)?.[1];
  const whole = errors.find(([path]) => path === pathPrefix)?.[1];
  // a text-like input bound to one string property of the block
  const text = (field: string, label: string, hint?: string) => (
    <Prop label={label} error={errorAt(field)} hint={hint}>
      {(id, describedBy) => (
        <input
          id={id}
          type="text"
          className={CONTROL}
          value={String((block as Record<string, unknown>)[field] ?? "")}
          readOnly={readOnly}
          aria-invalid={!!errorAt(field)}
          aria-describedby={describedBy}
          autoComplete="off"
          onChange={(e) => onChange({ ...block, [field]: e.target.value } as Block)}
        />
      )}
    </Prop>
  );
  const color = (field: string, label: string) => (
    <Prop label={label} error={errorAt(field)}>
      {(id) => (
        <input
          id={id}
          type="color"
          className="h-8 w-16 rounded ring-1 ring-stone-300"
          value={String((block as Record<string, unknown>)[field])}
          disabled={readOnly}
          onChange={(e) => onChange({ ...block, [field]: e.target.value } as Block)}
        />
      )}
    </Prop>
  );
  const number = (field: string, label: string, min: number, max: number) => (
    <Prop label={label} error={errorAt(field)}>
      {(id) => (
        <input
          id={id}
          type="number"
          min={min}
          max={max}
          className={CONTROL}
          value={String((block as Record<string, unknown>)[field] ?? "")}
          readOnly={readOnly}
          onChange={(e) =>
            onChange({ ...block, [field]: e.target.value === "" ? undefined : Number(e.target.value) } as Block)
          }
        />
      )}
    </Prop>
  );
  const align = () => (
    <Prop label="Alignment" error={errorAt("align")}>
      {(id) => (
        <select
          id={id}
          className={CONTROL}
          value={(block as { align: string }).align}
          disabled={readOnly}
          onChange={(e) => onChange({ ...block, align: e.target.value } as Block)}
        >
          <option value="left">Left</option>
          <option value="center">Centre</option>
          <option value="right">Right</option>
        </select>
      )}
    </Prop>
  );

  let fields: ReactNode = null;
  switch (block.type) {
    case "text":
      fields = (
        <>
          <Prop
            label="Text"
            error={errorAt("html")}
            hint='Liquid is kept as typed, e.g. {{ profile.traits.first_name | default: "there" }}. Allowed markup: b, i, u, a, br, p, ul, ol, li, span.'
          >
            {(id, describedBy) => (
              <RichTextInput
                id={id}
                value={block.html}
                readOnly={readOnly}
                invalid={!!errorAt("html")}
                describedBy={describedBy}
                onChange={(html) => onChange({ ...block, html })}
              />
            )}
          </Prop>
          {align()}
        </>
      );
      break;
    case "image":
      fields = (
        <>
          {text("src", "Image address", "https://…, or Liquid such as {{ event.properties.image_url }}")}
          {text("alt", "Alternative text")}
          {text("href", "Link (optional)")}
          {number("width", "Width in px (optional)", 20, 800)}
        </>
      );
      break;
    case "button":
      fields = (
        <>
          {text("label", "Label")}
          {text("href", "Link", "https://…, mailto:, tel:, or Liquid such as {{ event.properties.url }}")}
          <div className="flex gap-4">
            {color("background", "Background")}
            {color("color", "Text colour")}
          </div>
          {align()}
        </>
      );
      break;
    case "divider":
      fields = (
        <div className="flex gap-4">
          {color("color", "Colour")}
          {number("thickness", "Thickness (px)", 1, 10)}
        </div>
      );
      break;
    case "spacer":
      fields = number("height", "Height (px)", 4, 200);
      break;
    case "columns":
      fields = (
        <Prop label="Columns" error={errorAt("columns")} hint="Side by side on wide screens, stacked on phones.">
          {(id) => (
            <select
              id={id}
              className={CONTROL}
              value={block.columns.length}
              disabled={readOnly}
              onChange={(e) => {
                const n = Number(e.target.value);
                const columns =
                  n > block.columns.length
                    ? [...block.columns, ...Array.from({ length: n - block.columns.length }, () => ({ blocks: [] }))]
                    : block.columns.slice(0, n);
                onChange({ ...block, columns });
              }}
            >
              <option value={2}>2 columns</option>
              <option value={3}>3 columns</option>
            </select>
          )}
        </Prop>
      );
      break;
    case "product":
      fields = (
        <>
          {text("catalog", "Catalog", "The catalog's key, e.g. products")}
          <Prop label="Which products" error={errorAt("source")}>
            {(id) => (
              <select
                id={id}
                className={CONTROL}
                value={block.source.kind === "item" ? "item" : block.source.strategy}
                disabled={readOnly}
                onChange={(e) =>
                  onChange({
                    ...block,
                    source:
                      e.target.value === "item"
                        ? { kind: "item", id: "event.properties.product_id" }
                        : {
                            kind: "recommend",
                            strategy: e.target.value as (typeof RECOMMEND_STRATEGIES)[number],
                            limit: block.source.kind === "recommend" ? block.source.limit : 3,
                          },
                  })
                }
              >
                <option value="item">One item, by id</option>
                {RECOMMEND_STRATEGIES.map((s) => (
                  <option key={s} value={s}>
                    Recommended: {s.replace(/_/g, " ")}
                  </option>
                ))}
              </select>
            )}
          </Prop>
          {block.source.kind === "item" ? (
            <Prop label="Item id (Liquid expression)" error={errorAt("source.id")} hint="e.g. event.properties.sku">
              {(id) => (
                <input
                  id={id}
                  className={CONTROL}
                  value={block.source.kind === "item" ? block.source.id : ""}
                  readOnly={readOnly}
                  onChange={(e) => onChange({ ...block, source: { kind: "item", id: e.target.value } })}
                />
              )}
            </Prop>
          ) : (
            <Prop label="How many" error={errorAt("source.limit")}>
              {(id) => (
                <input
                  id={id}
                  type="number"
                  min={1}
                  max={8}
                  className={CONTROL}
                  value={block.source.kind === "recommend" ? block.source.limit : 3}
                  readOnly={readOnly}
                  onChange={(e) =>
                    block.source.kind === "recommend" &&
                    onChange({ ...block, source: { ...block.source, limit: Number(e.target.value) } })
                  }
                />
              )}
            </Prop>
          )}
          {text("buttonLabel", "Button label")}
          <label className="flex items-center gap-2 text-xs text-stone-700">
            <input
              type="checkbox"
              checked={block.showPrice}
              disabled={readOnly}
              onChange={(e) => onChange({ ...block, showPrice: e.target.checked })}
            />
            Show the price
          </label>
        </>
      );
      break;
    case "social":
      fields = (
        <div className="space-y-2">
          {block.links.map((link, i) => (
            <div key={i} className="flex items-end gap-2">
              <select
                aria-label={`Network ${i + 1}`}
                className={`${CONTROL} w-32`}
                value={link.network}
                disabled={readOnly}
                onChange={(e) =>
                  onChange({
                    ...block,
                    links: block.links.map((l, j) =>
                      j === i ? { ...l, network: e.target.value as (typeof SOCIAL_NETWORKS)[number] } : l,
                    ),
                  })
                }
              >
                {SOCIAL_NETWORKS.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
              <input
                aria-label={`Link ${i + 1}`}
                className={CONTROL}
                value={link.href}
                readOnly={readOnly}
                onChange={(e) =>
                  onChange({
                    ...block,
                    links: block.links.map((l, j) => (j === i ? { ...l, href: e.target.value } : l)),
                  })
                }
              />
              {readOnly ? null : (
                <Button
                  variant="ghost"
                  className="px-2 py-1 text-xs"
                  onClick={() => onChange({ ...block, links: block.links.filter((_, j) => j !== i) })}
                >
                  Remove
                </Button>
              )}
            </div>
          ))}
          {errors
            .filter(([path]) => path.startsWith(`${pathPrefix}.links`))
            .map(([path, message]) => (
              <p key={path} role="alert" className="text-xs text-red-700">
                {path.slice(pathPrefix.length + 1)}: {message}
              </p>
            ))}
          {readOnly || block.links.length >= 8 ? null : (
            <Button
              variant="secondary"
              className="px-2 py-1 text-xs"
              onClick={() => onChange({ ...block, links: [...block.links, { network: "web", href: "https://" }] })}
            >
              Add link
            </Button>
          )}
        </div>
      );
      break;
    case "footer":
      fields = (
        <>
          <Prop label="Sender's address" error={errorAt("address")} hint="Who sends this email, and where.">
            {(id) => (
              <textarea
                id={id}
                rows={2}
                className={CONTROL}
                value={block.address}
                readOnly={readOnly}
                onChange={(e) => onChange({ ...block, address: e.target.value })}
              />
            )}
          </Prop>
          {text(
            "unsubscribeLabel",
            "Unsubscribe link text",
            "Links to {{ unsubscribe_url }}: every marketing email has it.",
          )}
          {text("preferencesLabel", "Preferences link text", "Links to {{ preferences_url }}.")}
        </>
      );
      break;
    case "partial":
      fields = (
        <Prop
          label="Partial"
          error={errorAt("name")}
          hint={
            partials.length
              ? "A saved partial of this workspace."
              : "This workspace has no saved partials yet: create one under Templates."
          }
        >
          {(id) => (
            <select
              id={id}
              className={CONTROL}
              value={block.name}
              disabled={readOnly}
              onChange={(e) => onChange({ ...block, name: e.target.value })}
            >
              <option value="">Choose a partial…</option>
              {[...new Set([...partials, ...(block.name ? [block.name] : [])])].map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Prop>
      );
      break;
  }

  return (
    <section
      aria-label={`${BLOCK_LABELS[block.type]} block properties`}
      className="space-y-3 rounded-lg bg-white p-3 ring-1 ring-stone-200"
      data-testid="block-properties"
    >
      <h4 className="text-sm font-semibold text-stone-900">
        {BLOCK_LABELS[block.type]} block{inColumn ? " (in a column)" : ""}
      </h4>
      {whole ? (
        <p role="alert" className="text-xs text-red-700">
          {whole}
        </p>
      ) : null}
      {fields}
      {text(
        "condition",
        "Show only if (optional Liquid condition)",
        'e.g. profile.traits.plan == "pro": the block is wrapped in {% if … %}',
      )}
    </section>
  );
}

function DocumentSettingsForm({
  document,
  readOnly,
  onChange,
}: {
  document: EmailDocument;
  readOnly: boolean;
  onChange: (settings: EmailDocument["settings"]) => void;
}) {
  const s = document.settings;
  const colour = (key: "background" | "contentBackground" | "textColor" | "linkColor", label: string) => (
    <label className="flex items-center gap-2 text-xs text-stone-700">
      <input
        type="color"
        value={s[key]}
        disabled={readOnly}
        className="h-7 w-10 rounded ring-1 ring-stone-300"
        onChange={(e) => onChange({ ...s, [key]: e.target.value })}
      />
      {label}
    </label>
  );
  return (
    <details className="rounded-lg bg-white p-3 ring-1 ring-stone-200">
      <summary className="cursor-pointer text-sm font-semibold text-stone-900">Email settings</summary>
      <div className="mt-3 grid grid-cols-2 gap-3">
        {colour("background", "Page background")}
        {colour("contentBackground", "Content background")}
        {colour("textColor", "Text colour")}
        {colour("linkColor", "Link colour")}
        <label className="text-xs text-stone-700">
          Content width (px)
          <input
            type="number"
            min={480}
            max={800}
            className={CONTROL}
            value={s.width}
            readOnly={readOnly}
            onChange={(e) => onChange({ ...s, width: Number(e.target.value) })}
          />
        </label>
        <label className="text-xs text-stone-700">
          Font
          <select
            className={CONTROL}
            value={s.font}
            disabled={readOnly}
            onChange={(e) => onChange({ ...s, font: e.target.value as EmailDocument["settings"]["font"] })}
          >
            {Object.keys(FONT_STACKS).map((font) => (
              <option key={font} value={font}>
                {font}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="mt-2 text-xs text-stone-500">The preheader is the email&apos;s Preheader field above.</p>
    </details>
  );
}
