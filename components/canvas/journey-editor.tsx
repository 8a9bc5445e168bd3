"use client";

import "@xyflow/react/dist/style.css";
import {
  addEdge,
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  MiniMap,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useNodesInitialized,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type OnBeforeDelete,
} from "@xyflow/react";
import {
  ArrowLeft,
  BarChart3,
  CircleAlert,
  CircleCheck,
  History,
  LayoutDashboard,
  Loader2,
  Maximize,
  PanelRightClose,
  PanelRightOpen,
  Pause,
  Play,
  Redo2,
  Rocket,
  Settings2,
  Undo2,
  X,
} from "lucide-react";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { isTrigger, type NodeType, type TJourneyGraph, type TJourneySettings } from "@/lib/journeys/graph";
import type { JourneyDetail, JourneyStatus } from "@/lib/journeys/journeys";
import { validateJourney, type JourneyProblem } from "@/lib/journeys/validate";
import { Button, buttonClass } from "../ui/button";
import { Badge } from "../ui/card";
import { FormAlert } from "../ui/field";
import { formatDateTime } from "../ui/format";
import { callApi } from "../ui/use-api-form";
import { autoLayout } from "./auto-layout";
import { ADD_GAP, addBelow, clearOf, makeRoom, pasteCopies, stepHeight } from "./canvas-edits";
import { NodeInspector } from "./node-inspector";
import { SettingsInspector } from "./settings-inspector";
import {
  formatCount,
  nodeTypes,
  NodeStatsContext,
  ProblemCountsContext,
  ReadOnlyContext,
  TemplateNamesContext,
  NODE_WIDTH,
  type JourneyFlowNode,
} from "./journey-nodes";
import { describeProblem, exitLabels } from "./node-text";
import { isNodeType, NODE_MODULES } from "./nodes";
import { Palette, PALETTE_MIME } from "./palette";
import { PublishDialog } from "./publish-dialog";
import { STATS_POLL_MS, useJourneyStats, type JourneyStatsState } from "./use-journey-stats";
import { INSPECTOR_PANEL_KEY, PALETTE_PANEL_KEY, usePanelOpen } from "./use-panel-open";

/**
 * Which templates and segments exist is the server's to say: the inspector only offers saved templates and
 * live segments, and publishing checks them again (an archived one is refused there).
 */
const REFERENCES = {};
const DEFAULT_SETTINGS: TJourneySettings = { reentry: { mode: "once" }, exitEvents: [], frequencyCaps: true };
const STATUS_TONE: Record<JourneyStatus, "brand" | "amber" | "stone"> = {
  LIVE: "brand",
  PAUSED: "amber",
  DRAFT: "stone",
  ARCHIVED: "stone",
};
const STATUS_LABEL: Record<JourneyStatus, string> = {
  LIVE: "Live",
  PAUSED: "Paused",
  DRAFT: "Draft",
  ARCHIVED: "Archived",
};
const DEFAULT_EDGE_OPTIONS = { type: "smoothstep", markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 } };
const SNAP: [number, number] = [8, 8];
const FIT_VIEW_OPTIONS = { padding: 0.25, maxZoom: 1.1 };
const PRO_OPTIONS = { hideAttribution: true };
/** Below this canvas width the minimap would sit on the steps: it is left out (Fit and the controls remain). */
const MINIMAP_MIN_CANVAS_WIDTH = 720;

interface Snapshot {
  nodes: JourneyFlowNode[];
  edges: Edge[];
  settings: TJourneySettings;
}

const randomId = (prefix: string) => `${prefix}_${Math.random().toString(36).slice(2, 8)}`;
const nodePrefix = (type: NodeType) => type.replace(/^(trigger|delay|action)\./, "").replace(/[^A-Za-z0-9]/g, "_");

function edgeLabel(nodes: JourneyFlowNode[], source: string, branch: string): string | undefined {
  const node = nodes.find((n) => n.id === source);
  if (!node) return undefined;
  return exitLabels(node.data.type, node.data.config).find((e) => e.id === branch)?.label || undefined;
}

function toFlow(graph: TJourneyGraph): { nodes: JourneyFlowNode[]; edges: Edge[] } {
  const nodes: JourneyFlowNode[] = graph.nodes.map((n) => ({
    id: n.id,
    type: NODE_MODULES[n.type].family,
    position: n.position,
    data: { type: n.type, label: n.label, config: n.config },
  }));
  const edges: Edge[] = graph.edges.map((e) => {
    const source = nodes.find((n) => n.id === e.source);
    const exits = source ? exitLabels(source.data.type, source.data.config) : [];
    const branch = e.branch ?? (exits.length === 1 ? exits[0].id : "next");
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      sourceHandle: branch,
      label: edgeLabel(nodes, e.source, branch),
    };
  });
  return { nodes, edges };
}

function toGraph(nodes: JourneyFlowNode[], edges: Edge[], settings: TJourneySettings) {
  return {
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.data.type,
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      ...(n.data.label ? { label: n.data.label } : {}),
      config: n.data.config,
    })),
    edges: edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      ...(e.sourceHandle ? { branch: e.sourceHandle } : {}),
    })),
    settings,
  };
}

function SaveIndicator({ state }: { state: "saved" | "saving" | "unsaved" | "error" | "readonly" }) {
  if (state === "readonly") return null;
  const text = { saved: "Saved", saving: "Saving…", unsaved: "Unsaved changes", error: "Not saved" }[state];
  return (
    <span
      data-testid="save-state"
      className={`inline-flex items-center gap-1.5 text-xs ${state === "error" ? "font-medium text-red-700" : "text-stone-500"}`}
    >
      {state === "saving" ? (
        <Loader2 className="h-3.5 w-3.5 animate-spin" aria-hidden="true" />
      ) : state === "saved" ? (
        <CircleCheck className="h-3.5 w-3.5 text-brand-600" aria-hidden="true" />
      ) : null}
      {text}
    </span>
  );
}

export function JourneyEditor(props: { slug: string; journey: JourneyDetail; canEdit: boolean }) {
  return (
    <ReactFlowProvider>
      <Editor {...props} />
    </ReactFlowProvider>
  );
}

function Editor({ slug, journey, canEdit }: { slug: string; journey: JourneyDetail; canEdit: boolean }) {
  const initial = useMemo(() => toFlow(journey.draft), [journey.draft]);
  const [nodes, setNodes] = useState<JourneyFlowNode[]>(initial.nodes);
  const [edges, setEdges] = useState<Edge[]>(initial.edges);
  const [settings, setSettings] = useState<TJourneySettings>(journey.draft.settings ?? DEFAULT_SETTINGS);
  const [status, setStatus] = useState<JourneyStatus>(journey.status);
  const [liveVersion, setLiveVersion] = useState<number | null>(journey.liveVersion);
  const [versions, setVersions] = useState(journey.versions);
  const [name, setName] = useState(journey.name);
  const [tab, setTab] = useState<"inspect" | "history">("inspect");
  const [publishing, setPublishing] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [problemsOpen, setProblemsOpen] = useState(true);
  const readOnly = !canEdit || status === "ARCHIVED";
  const flow = useReactFlow<JourneyFlowNode, Edge>();
  // Live counts, once there is a published version for people to be in (kept out of the graph state).
  const live = useJourneyStats(slug, journey.id, versions.length > 0);
  const wrapper = useRef<HTMLDivElement>(null);
  // Once the count rows show, steps are taller: placing, laying out and making room use their height.
  const liveRows = live.stats !== null;
  const liveRowsRef = useRef(liveRows);
  useEffect(() => {
    liveRowsRef.current = liveRows;
  }, [liveRows]);
  const [paletteOpen, togglePalette] = usePanelOpen(PALETTE_PANEL_KEY);
  const [inspectorOpen, toggleInspector] = usePanelOpen(INSPECTOR_PANEL_KEY);
  /** what click-to-add could not do (no free exit), said on the canvas until the next add or dismissed */
  const [addNote, setAddNote] = useState<string | null>(null);
  const [canvasWidth, setCanvasWidth] = useState<number | null>(null);
  useEffect(() => {
    const element = wrapper.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setCanvasWidth(Math.round(entry.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Message steps show their template's name, segment triggers their segment's: one request for the
  // workspace's templates and one for its segments when it opens (ids are UUIDs, so one map holds both).
  const [templateNames, setTemplateNames] = useState<ReadonlyMap<string, string>>(() => new Map());
  useEffect(() => {
    let cancelled = false;
    const names = (url: string, key: "templates" | "segments") =>
      fetch(url)
        .then((response) => (response.ok ? response.json() : null))
        .then((body: Record<string, { id: string; name: string }[] | undefined> | null) => {
          const list = body?.[key];
          if (!cancelled && list)
            setTemplateNames((prev) => new Map([...prev, ...list.map((t): [string, string] => [t.id, t.name])]));
        })
        .catch(() => {
          // Without names the steps show the id, as before.
        });
    void names(`/api/workspaces/${slug}/templates`, "templates");
    void names(`/api/workspaces/${slug}/segments`, "segments");
    return () => {
      cancelled = true;
    };
  }, [slug]);

  // Open with the whole journey in view. The `fitView` prop fits before the nodes are measured (and
  // before the count strips change their height), so fit once more as soon as they are.
  const nodesInitialized = useNodesInitialized();
  const fittedOnOpen = useRef(false);
  useEffect(() => {
    if (!nodesInitialized || fittedOnOpen.current) return;
    fittedOnOpen.current = true;
    window.requestAnimationFrame(() => void flow.fitView(FIT_VIEW_OPTIONS));
  }, [nodesInitialized, flow]);

  // The latest state, for handlers that must stay stable (keyboard, history).
  const current = useRef<Snapshot>({ nodes, edges, settings });
  useEffect(() => {
    current.current = { nodes, edges, settings };
  }, [nodes, edges, settings]);

  // Positions saved before the journey was published were made for shorter steps: once the count rows
  // show (and whenever a step's measured height changes after that), push down the steps the one above
  // now overlaps. Not an undo step; the new positions are saved with the draft like any move.
  const heightsKey = liveRows && nodesInitialized ? nodes.map((n) => n.measured?.height ?? 0).join(",") : "";
  useEffect(() => {
    if (!heightsKey) return;
    const moved = makeRoom(current.current.nodes, true);
    if (moved.size) setNodes((ns) => ns.map((n) => (moved.has(n.id) ? { ...n, position: moved.get(n.id)! } : n)));
  }, [heightsKey]);

  // ---- History (undo / redo)
  const history = useRef<{ past: Snapshot[]; future: Snapshot[]; lastKey: string; lastAt: number }>({
    past: [],
    future: [],
    lastKey: "",
    lastAt: 0,
  });
  const [historySize, setHistorySize] = useState({ past: 0, future: 0 });
  const syncHistory = useCallback(
    () => setHistorySize({ past: history.current.past.length, future: history.current.future.length }),
    [],
  );
  /** Remember the state before a change; edits of the same field within a second are one step. */
  const remember = useCallback(
    (key = "") => {
      const h = history.current;
      const now = Date.now();
      if (key && key === h.lastKey && now - h.lastAt < 1000) {
        h.lastAt = now;
        return;
      }
      h.past = [...h.past.slice(-99), current.current];
      h.future = [];
      h.lastKey = key;
      h.lastAt = now;
      syncHistory();
    },
    [syncHistory],
  );
  const restore = useCallback((s: Snapshot) => {
    setNodes(s.nodes.map((n) => ({ ...n, selected: false })));
    setEdges(s.edges);
    setSettings(s.settings);
  }, []);
  const undo = useCallback(() => {
    const h = history.current;
    const previous = h.past.pop();
    if (!previous) return;
    h.future.push(current.current);
    h.lastKey = "";
    restore(previous);
    syncHistory();
  }, [restore, syncHistory]);
  const redo = useCallback(() => {
    const h = history.current;
    const next = h.future.pop();
    if (!next) return;
    h.past.push(current.current);
    h.lastKey = "";
    restore(next);
    syncHistory();
  }, [restore, syncHistory]);

  // ---- Validation, live (positions do not matter, so dragging does not re-validate)
  const logicalJson = JSON.stringify({
    nodes: nodes.map((n) => [n.id, n.data.type, n.data.label, n.data.config]),
    edges: edges.map((e) => [e.id, e.source, e.target, e.sourceHandle]),
    settings,
  });
  const validation = useMemo(() => {
    const parsed = JSON.parse(logicalJson) as {
      nodes: [string, NodeType, string | undefined, Record<string, unknown>][];
      edges: [string, string, string, string | null][];
      settings: TJourneySettings;
    };
    return validateJourney(
      {
        nodes: parsed.nodes.map(([id, type, label, config]) => ({
          id,
          type,
          ...(label ? { label } : {}),
          config,
          position: { x: 0, y: 0 },
        })),
        edges: parsed.edges.map(([id, source, target, branch]) => ({
          id,
          source,
          target,
          ...(branch ? { branch } : {}),
        })),
        settings: parsed.settings,
      },
      REFERENCES,
    );
  }, [logicalJson]);
  const problems = validation.problems;
  const problemCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const p of problems) if (p.nodeId) counts.set(p.nodeId, (counts.get(p.nodeId) ?? 0) + 1);
    return counts;
  }, [problems]);

  // ---- Autosave (debounced PUT of the draft)
  const saveJson = JSON.stringify(toGraph(nodes, edges, settings));
  const [savedJson, setSavedJson] = useState(saveJson);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const save = useCallback(
    async (json: string) => {
      setSaving(true);
      const result = await callApi<JourneyDetail>("PUT", `/api/workspaces/${slug}/journeys/${journey.id}/draft`, {
        graph: JSON.parse(json),
      });
      setSaving(false);
      if (result.ok) {
        setSavedJson(json);
        setSaveError(null);
      } else setSaveError(result.failure.message);
      return result.ok;
    },
    [slug, journey.id],
  );
  useEffect(() => {
    if (readOnly || saveJson === savedJson) return;
    const timer = setTimeout(() => void save(saveJson), 800);
    return () => clearTimeout(timer);
  }, [readOnly, saveJson, savedJson, save]);
  const saveState = readOnly
    ? "readonly"
    : saving
      ? "saving"
      : saveError
        ? "error"
        : saveJson !== savedJson
          ? "unsaved"
          : "saved";
  useEffect(() => {
    if (readOnly || saveJson === savedJson) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [readOnly, saveJson, savedJson]);

  // ---- Canvas changes
  const onNodesChange = useCallback(
    (changes: NodeChange<JourneyFlowNode>[]) => setNodes((ns) => applyNodeChanges(changes, ns)),
    [],
  );
  const onEdgesChange = useCallback((changes: EdgeChange[]) => setEdges((es) => applyEdgeChanges(changes, es)), []);
  const onBeforeDelete: OnBeforeDelete<JourneyFlowNode, Edge> = useCallback(
    async ({ nodes: n, edges: e }) => {
      if (n.length || e.length) remember();
      return true;
    },
    [remember],
  );
  const onNodeDragStart = useCallback(() => remember(), [remember]);
  const isValidConnection: IsValidConnection = useCallback((c) => {
    if (c.source === c.target) return false;
    const target = current.current.nodes.find((n) => n.id === c.target);
    return !!target && !isTrigger(target.data.type);
  }, []);
  const onConnect = useCallback(
    (c: Connection) => {
      remember();
      const branch = c.sourceHandle ?? "next";
      setEdges((es) =>
        addEdge(
          { ...c, sourceHandle: branch, id: randomId("e"), label: edgeLabel(current.current.nodes, c.source, branch) },
          // One edge per exit: connecting an exit that is already connected replaces its edge.
          es.filter((e) => !(e.source === c.source && (e.sourceHandle ?? "next") === branch)),
        ),
      );
    },
    [remember],
  );

  const addNode = useCallback(
    (type: NodeType, at?: { x: number; y: number }) => {
      remember();
      const { nodes: ns, edges: es } = current.current;
      let position = at;
      let link: { source: string; sourceHandle: string } | null = null;
      let note: string | null = null;
      if (!position) {
        const picked = ns.filter((n) => n.selected);
        if (picked.length === 1) {
          // Below the selected step, connected to its first free exit (or said why not).
          const plan = addBelow(picked[0], type, es, liveRowsRef.current);
          position = clearOf(plan.position, ns, liveRowsRef.current);
          link = plan.connect;
          if (!plan.connect && plan.reason === "no-free-exit") {
            const name = picked[0].data.label || NODE_MODULES[picked[0].data.type].title;
            note = `“${name}” has no free exit, so the new step is not connected: drag from an exit to connect it.`;
          }
        } else {
          const anchor = ns.reduce<JourneyFlowNode | undefined>(
            (low, n) => (!low || n.position.y > low.position.y ? n : low),
            undefined,
          );
          if (anchor)
            position = {
              x: anchor.position.x,
              y: anchor.position.y + stepHeight(anchor, liveRowsRef.current) + ADD_GAP,
            };
        }
        if (!position) {
          const rect = wrapper.current?.getBoundingClientRect();
          const center = rect
            ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + 120 })
            : { x: 0, y: 0 };
          position = { x: center.x - NODE_WIDTH / 2, y: center.y };
        }
      }
      const node: JourneyFlowNode = {
        id: randomId(nodePrefix(type)),
        type: NODE_MODULES[type].family,
        position: { x: Math.round(position.x / 8) * 8, y: Math.round(position.y / 8) * 8 },
        data: { type, config: NODE_MODULES[type].defaults() },
        selected: true,
      };
      setNodes((list) => [...list.map((n) => (n.selected ? { ...n, selected: false } : n)), node]);
      const edge: Edge | null = link
        ? {
            id: randomId("e"),
            source: link.source,
            target: node.id,
            sourceHandle: link.sourceHandle,
            label: edgeLabel(ns, link.source, link.sourceHandle),
          }
        : null;
      setEdges((list) => [...list.map((e) => (e.selected ? { ...e, selected: false } : e)), ...(edge ? [edge] : [])]);
      setAddNote(note);
      setTab("inspect");
      if (!at) {
        // Keep the new step in view at the current zoom.
        const rect = wrapper.current?.getBoundingClientRect();
        const screen = flow.flowToScreenPosition({ x: node.position.x, y: node.position.y + 100 });
        if (
          rect &&
          (screen.y > rect.bottom - 40 || screen.y < rect.top || screen.x < rect.left || screen.x > rect.right - 100)
        ) {
          void flow.setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + 48, {
            zoom: flow.getZoom(),
            duration: 200,
          });
        }
      }
    },
    [remember, flow],
  );

  const dismissAddNote = useCallback(() => setAddNote(null), []);
  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(PALETTE_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(PALETTE_MIME);
      if (!isNodeType(type)) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addNode(type, { x: p.x - NODE_WIDTH / 2, y: p.y - 40 });
    },
    [flow, addNode],
  );

  const updateNode = useCallback(
    (id: string, patch: { label?: string; config?: Record<string, unknown> }) => {
      remember(`${id}:${Object.keys(patch).join(",")}`);
      setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n)));
      if (patch.config) {
        const node = current.current.nodes.find((n) => n.id === id);
        if (node && (node.data.type === "branch" || node.data.type === "split")) {
          const exits = exitLabels(node.data.type, patch.config);
          setEdges((es) =>
            es.map((e) =>
              e.source === id ? { ...e, label: exits.find((x) => x.id === e.sourceHandle)?.label || undefined } : e,
            ),
          );
        }
      }
    },
    [remember],
  );
  const deleteNode = useCallback(
    (id: string) => {
      remember();
      setNodes((ns) => ns.filter((n) => n.id !== id));
      setEdges((es) => es.filter((e) => e.source !== id && e.target !== id));
    },
    [remember],
  );
  const updateSettings = useCallback(
    (next: TJourneySettings) => {
      remember("settings");
      setSettings(next);
    },
    [remember],
  );

  const layout = useCallback(() => {
    remember();
    setNodes((ns) => autoLayout(ns, current.current.edges, { live: liveRowsRef.current }));
    window.requestAnimationFrame(() => void flow.fitView({ ...FIT_VIEW_OPTIONS, duration: 300 }));
  }, [remember, flow]);
  const fit = useCallback(() => void flow.fitView({ ...FIT_VIEW_OPTIONS, duration: 300 }), [flow]);

  const focusNode = useCallback(
    (id: string) => {
      const node = current.current.nodes.find((n) => n.id === id);
      if (!node) return;
      setNodes((ns) =>
        ns.map((n) => (n.id === id ? { ...n, selected: true } : n.selected ? { ...n, selected: false } : n)),
      );
      setTab("inspect");
      void flow.setCenter(
        node.position.x + (node.measured?.width ?? NODE_WIDTH) / 2,
        node.position.y + (node.measured?.height ?? 96) / 2,
        { zoom: Math.max(flow.getZoom(), 0.9), duration: 300 },
      );
    },
    [flow],
  );

  // ---- Keyboard: copy / paste, undo / redo (Delete and Backspace are React Flow's own)
  const clipboard = useRef<{ nodes: JourneyFlowNode[]; edges: Edge[]; pastes: number } | null>(null);
  useEffect(() => {
    if (readOnly) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
      if (!(e.ctrlKey || e.metaKey)) return;
      const key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if ((key === "z" && e.shiftKey) || key === "y") {
        e.preventDefault();
        redo();
      } else if (key === "c") {
        const { nodes: ns, edges: es } = current.current;
        const picked = ns.filter((n) => n.selected);
        if (!picked.length) return;
        const ids = new Set(picked.map((n) => n.id));
        clipboard.current = {
          nodes: picked,
          edges: es.filter((x) => ids.has(x.source) && ids.has(x.target)),
          pastes: 0,
        };
        e.preventDefault();
      } else if (key === "v" && clipboard.current) {
        e.preventDefault();
        const clip = clipboard.current;
        clip.pastes += 1;
        remember();
        const { nodes: pasted, edges: pastedEdges } = pasteCopies(clip, clip.pastes, (kind, n) =>
          kind === "node" && n ? randomId(nodePrefix(n.data.type)) : randomId("e"),
        );
        setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted]);
        setEdges((es) => [...es, ...pastedEdges]);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [readOnly, undo, redo, remember]);

  // ---- Journey actions
  const statusAction = useCallback(
    async (action: "pause" | "resume") => {
      setActionError(null);
      const result = await callApi<JourneyDetail>("POST", `/api/workspaces/${slug}/journeys/${journey.id}/${action}`);
      if (result.ok) {
        setStatus(result.data.status);
        setNotice(
          action === "pause"
            ? "Paused: nobody new enters; people already in it wait where they are."
            : "Resumed: the journey is live again.",
        );
      } else setActionError(result.failure.message);
    },
    [slug, journey.id],
  );
  const flush = useCallback(async () => (saveJson === savedJson ? true : save(saveJson)), [saveJson, savedJson, save]);
  const onPublished = useCallback((detail: JourneyDetail & { published?: { version: number } }) => {
    setStatus(detail.status);
    setLiveVersion(detail.liveVersion);
    setVersions(detail.versions);
    setPublishing(false);
    setNotice(
      `Published v${detail.liveVersion}. New entries follow this version; people already in the journey finish the one they started.`,
    );
  }, []);
  const rename = useCallback(
    async (next: string) => {
      const trimmed = next.trim();
      if (!trimmed || trimmed === journey.name) return;
      const result = await callApi<JourneyDetail>("PATCH", `/api/workspaces/${slug}/journeys/${journey.id}`, {
        name: trimmed,
      });
      if (!result.ok) setActionError(result.failure.message);
    },
    [slug, journey.id, journey.name],
  );

  const selectedNodes = nodes.filter((n) => n.selected);
  const selected = selectedNodes.length === 1 ? selectedNodes[0] : undefined;
  const selectedId = selected?.id;
  const selectedData = selected?.data;
  const inspected = useMemo(
    () =>
      selectedId && selectedData
        ? { id: selectedId, type: selectedData.type, label: selectedData.label, config: selectedData.config }
        : null,
    [selectedId, selectedData],
  );
  const inspectedProblems = useMemo(
    () => problems.filter((p) => p.nodeId && p.nodeId === selectedId),
    [problems, selectedId],
  );
  const settingsProblems = useMemo(() => problems.filter((p) => p.path.startsWith("settings")), [problems]);
  const nodeById = useMemo(() => new Map(nodes.map((n) => [n.id, n])), [nodes]);
  const displayEdges = useMemo(() => {
    const bad = new Set(problems.filter((p) => p.edgeId).map((p) => p.edgeId));
    return bad.size
      ? edges.map((e) => (bad.has(e.id) ? { ...e, style: { stroke: "#dc2626", strokeWidth: 2 } } : e))
      : edges;
  }, [edges, problems]);

  return (
    <ReadOnlyContext.Provider value={readOnly}>
      <ProblemCountsContext.Provider value={problemCounts}>
        <NodeStatsContext.Provider value={live.stats?.nodes ?? null}>
          <TemplateNamesContext.Provider value={templateNames}>
            <div
              className="fixed inset-y-0 right-0 left-64 z-20 flex flex-col bg-stone-50"
              data-testid="journey-editor"
            >
              {/* Top bar */}
              <header className="flex h-14 shrink-0 items-center gap-3 border-b border-stone-200 bg-white px-4">
                <Link
                  href={`/w/${slug}/journeys`}
                  className="rounded-md p-1.5 text-stone-500 hover:bg-stone-100 hover:text-stone-900"
                  aria-label="All journeys"
                >
                  <ArrowLeft className="h-4 w-4" aria-hidden="true" />
                </Link>
                {readOnly ? (
                  <h1 className="truncate text-base font-semibold text-stone-900">{name}</h1>
                ) : (
                  <input
                    aria-label="Journey name"
                    value={name}
                    maxLength={120}
                    onChange={(e) => setName(e.target.value)}
                    onBlur={(e) => void rename(e.target.value)}
                    onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()}
                    className="min-w-0 max-w-xs flex-shrink truncate rounded-md border-0 bg-transparent px-2 py-1 text-base font-semibold text-stone-900 ring-stone-300 outline-none hover:ring-1 focus:ring-2 focus:ring-brand-600"
                  />
                )}
                <span data-testid="journey-status" className="flex items-center gap-1.5">
                  <Badge tone={STATUS_TONE[status]}>{STATUS_LABEL[status]}</Badge>
                  {liveVersion ? <span className="text-xs font-medium text-stone-600">v{liveVersion}</span> : null}
                </span>
                <SaveIndicator state={saveState} />
                {!canEdit ? <Badge>Read-only: viewers cannot edit journeys</Badge> : null}
                <div className="ml-auto flex items-center gap-1.5">
                  {readOnly ? null : (
                    <>
                      <Button
                        variant="ghost"
                        className="px-2"
                        onClick={undo}
                        disabled={!historySize.past}
                        aria-label="Undo"
                        title="Undo (Ctrl/⌘+Z)"
                      >
                        <Undo2 className="h-4 w-4" aria-hidden="true" />
                      </Button>
                      <Button
                        variant="ghost"
                        className="px-2"
                        onClick={redo}
                        disabled={!historySize.future}
                        aria-label="Redo"
                        title="Redo (Shift+Ctrl/⌘+Z)"
                      >
                        <Redo2 className="h-4 w-4" aria-hidden="true" />
                      </Button>
                      <Button variant="ghost" onClick={layout} title="Arrange the steps top to bottom">
                        <LayoutDashboard className="h-4 w-4" aria-hidden="true" />
                        Auto-layout
                      </Button>
                    </>
                  )}
                  <Button variant="ghost" onClick={fit} title="Zoom to fit">
                    <Maximize className="h-4 w-4" aria-hidden="true" />
                    Fit
                  </Button>
                  <Link
                    href={`/w/${slug}/journeys/${journey.id}/analytics`}
                    className={buttonClass("ghost")}
                    title="Funnel, conversions and delivery rates over time"
                  >
                    <BarChart3 className="h-4 w-4" aria-hidden="true" />
                    Analytics
                  </Link>
                  <span className="mx-1 h-6 w-px bg-stone-200" aria-hidden="true" />
                  {canEdit && status === "LIVE" ? (
                    <Button variant="secondary" onClick={() => void statusAction("pause")}>
                      <Pause className="h-4 w-4" aria-hidden="true" />
                      Pause
                    </Button>
                  ) : null}
                  {canEdit && status === "PAUSED" ? (
                    <Button variant="secondary" onClick={() => void statusAction("resume")}>
                      <Play className="h-4 w-4" aria-hidden="true" />
                      Resume
                    </Button>
                  ) : null}
                  {!readOnly ? (
                    <Button
                      onClick={() => setPublishing(true)}
                      disabled={problems.length > 0}
                      title={
                        problems.length
                          ? `Fix ${problems.length} problem${problems.length === 1 ? "" : "s"} to publish`
                          : "Review the changes and publish"
                      }
                    >
                      <Rocket className="h-4 w-4" aria-hidden="true" />
                      Publish
                    </Button>
                  ) : null}
                </div>
              </header>
              <LiveTotals {...live} />
              {actionError || notice || status === "ARCHIVED" ? (
                <div className="space-y-2 border-b border-stone-200 bg-white px-4 py-2">
                  <FormAlert message={actionError} />
                  {status === "ARCHIVED" ? (
                    <p className="text-sm text-stone-700">
                      This journey is archived. Restore it from the journeys list to edit or publish it.
                    </p>
                  ) : null}
                  {notice ? (
                    <p role="status" className="flex items-center justify-between gap-3 text-sm text-brand-900">
                      {notice}
                      <button
                        type="button"
                        className="text-xs text-stone-500 hover:text-stone-900"
                        onClick={() => setNotice(null)}
                      >
                        Dismiss
                      </button>
                    </p>
                  ) : null}
                </div>
              ) : null}
              {saveError ? (
                <div className="border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800" role="alert">
                  The draft could not be saved: {saveError}
                </div>
              ) : null}

              <div className="flex min-h-0 flex-1">
                {readOnly ? null : <Palette onAdd={addNode} open={paletteOpen} onToggle={togglePalette} />}
                <div className="flex min-w-0 flex-1 flex-col">
                  <div
                    className="relative min-h-0 flex-1"
                    ref={wrapper}
                    onDragOver={onDragOver}
                    onDrop={onDrop}
                    data-testid="canvas"
                  >
                    <ReactFlow<JourneyFlowNode, Edge>
                      nodes={nodes}
                      edges={displayEdges}
                      nodeTypes={nodeTypes}
                      onNodesChange={onNodesChange}
                      onEdgesChange={onEdgesChange}
                      onConnect={onConnect}
                      onBeforeDelete={onBeforeDelete}
                      onNodeDragStart={onNodeDragStart}
                      isValidConnection={isValidConnection}
                      defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
                      nodesDraggable={!readOnly}
                      nodesConnectable={!readOnly}
                      edgesReconnectable={false}
                      deleteKeyCode={readOnly ? null : ["Backspace", "Delete"]}
                      multiSelectionKeyCode={["Meta", "Control", "Shift"]}
                      snapToGrid
                      snapGrid={SNAP}
                      fitView
                      fitViewOptions={FIT_VIEW_OPTIONS}
                      minZoom={0.2}
                      maxZoom={2}
                      proOptions={PRO_OPTIONS}
                    >
                      <Background variant={BackgroundVariant.Dots} gap={16} size={1.2} color="#d6d3d1" />
                      <Controls showInteractive={false} position="bottom-left" />
                      {canvasWidth !== null && canvasWidth >= MINIMAP_MIN_CANVAS_WIDTH ? (
                        <MiniMap
                          position="bottom-right"
                          pannable
                          zoomable
                          nodeStrokeWidth={2}
                          nodeColor={miniMapColor}
                          style={MINIMAP_STYLE}
                          className="!rounded-lg !ring-1 !ring-stone-200"
                        />
                      ) : null}
                      {addNote ? (
                        <Panel position="top-center">
                          <p
                            role="status"
                            data-testid="add-note"
                            className="flex items-center gap-2 rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-900 shadow-sm ring-1 ring-amber-200"
                          >
                            {addNote}
                            <button
                              type="button"
                              onClick={dismissAddNote}
                              aria-label="Dismiss"
                              className="rounded p-0.5 text-amber-700 hover:bg-amber-100"
                            >
                              <X className="h-3.5 w-3.5" aria-hidden="true" />
                            </button>
                          </p>
                        </Panel>
                      ) : null}
                      {nodes.length === 0 ? (
                        <Panel position="top-center" className="!top-1/3">
                          <div className="rounded-xl border border-dashed border-stone-300 bg-white/90 px-6 py-5 text-center shadow-sm">
                            <p className="text-sm font-semibold text-stone-900">
                              {readOnly ? "This journey has no steps yet." : "Start with a trigger"}
                            </p>
                            {readOnly ? null : (
                              <p className="mt-1 text-sm text-stone-600">
                                Click a step in the palette, or drag it here. Then connect the dots from each step to
                                the next.
                              </p>
                            )}
                          </div>
                        </Panel>
                      ) : null}
                    </ReactFlow>
                  </div>
                  <ProblemsPanel
                    readOnly={readOnly}
                    problems={problems}
                    nodeById={nodeById}
                    open={problemsOpen}
                    onToggle={() => setProblemsOpen((o) => !o)}
                    onFocus={focusNode}
                  />
                </div>
                {!inspectorOpen ? (
                  <aside
                    className="flex w-10 shrink-0 flex-col items-center border-l border-stone-200 bg-white py-2"
                    aria-label="Inspector"
                    data-testid="inspector-collapsed"
                  >
                    <button
                      type="button"
                      onClick={toggleInspector}
                      aria-expanded={false}
                      aria-label="Show inspector"
                      title="Show the step and journey settings"
                      className="rounded-md p-1.5 text-stone-500 hover:bg-stone-100 hover:text-stone-900"
                    >
                      <PanelRightOpen className="h-4 w-4" aria-hidden="true" />
                    </button>
                  </aside>
                ) : (
                  <aside
                    id="journey-inspector"
                    className="flex w-80 shrink-0 flex-col border-l border-stone-200 bg-white"
                    aria-label="Inspector"
                  >
                    <div className="flex border-b border-stone-200 px-2">
                      <div className="flex" role="tablist">
                        <TabButton
                          active={tab === "inspect"}
                          onClick={() => setTab("inspect")}
                          icon={<Settings2 className="h-4 w-4" aria-hidden="true" />}
                        >
                          {inspected ? "Step" : "Settings"}
                        </TabButton>
                        <TabButton
                          active={tab === "history"}
                          onClick={() => setTab("history")}
                          icon={<History className="h-4 w-4" aria-hidden="true" />}
                        >
                          History
                        </TabButton>
                      </div>
                      <button
                        type="button"
                        onClick={toggleInspector}
                        aria-expanded
                        aria-controls="journey-inspector"
                        aria-label="Hide inspector"
                        title="Hide the inspector to give the canvas the room"
                        className="ml-auto self-center rounded-md p-1.5 text-stone-500 hover:bg-stone-100 hover:text-stone-900"
                      >
                        <PanelRightClose className="h-4 w-4" aria-hidden="true" />
                      </button>
                    </div>
                    <div className="min-h-0 flex-1 overflow-y-auto p-4">
                      {tab === "history" ? (
                        <VersionHistory versions={versions} liveVersion={liveVersion} />
                      ) : inspected ? (
                        <NodeInspector
                          node={inspected}
                          problems={inspectedProblems}
                          readOnly={readOnly}
                          onChange={updateNode}
                          onDelete={deleteNode}
                        />
                      ) : selectedNodes.length > 1 ? (
                        <div className="space-y-2 text-sm text-stone-600">
                          <p className="font-semibold text-stone-900">{selectedNodes.length} steps selected</p>
                          {readOnly ? null : <p>Press Delete to remove them, or Ctrl/⌘+C and Ctrl/⌘+V to copy them.</p>}
                        </div>
                      ) : (
                        <SettingsInspector
                          settings={settings}
                          problems={settingsProblems}
                          readOnly={readOnly}
                          onChange={updateSettings}
                        />
                      )}
                    </div>
                    {readOnly ? null : (
                      <p className="border-t border-stone-100 px-4 py-2.5 text-[11px] leading-relaxed text-stone-500">
                        Shift-drag to select several · Delete removes · Ctrl/⌘+C, V copy · Ctrl/⌘+Z undo
                      </p>
                    )}
                  </aside>
                )}
              </div>
              {publishing ? (
                <PublishDialog
                  slug={slug}
                  journeyId={journey.id}
                  nodeById={nodeById}
                  flush={flush}
                  onClose={() => setPublishing(false)}
                  onPublished={onPublished}
                />
              ) : null}
            </div>
          </TemplateNamesContext.Provider>
        </NodeStatsContext.Provider>
      </ProblemCountsContext.Provider>
    </ReadOnlyContext.Provider>
  );
}

const TIME = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });
const PERCENT = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

/** The journey's totals, in a slim bar under the top bar: refreshed with the node counts. */
function LiveTotals({ stats, error }: JourneyStatsState) {
  if (!stats) return null;
  const { enrolled, active, waiting, converted, completed, exited, failed } = stats.totals;
  const n = (value: number) => value.toLocaleString();
  const rate = enrolled ? PERCENT.format(converted / enrolled) : null;
  const items: { key: string; label: string; value: number; title: string; extra?: string; muted?: boolean }[] = [
    {
      key: "enrolled",
      label: "enrolled",
      value: enrolled,
      title: `${n(enrolled)} entered this journey, across all its versions`,
    },
    {
      key: "active",
      label: "active",
      value: active,
      extra: waiting ? `${formatCount(waiting)} waiting` : undefined,
      title: `${n(active)} in the journey now: ${n(waiting)} waiting (a delay or an event), ${n(active - waiting)} being moved on`,
    },
    {
      key: "converted",
      label: "converted",
      value: converted,
      extra: rate ?? undefined,
      title: `${n(converted)} did the goal event while in the journey or within its attribution window${rate ? ` (${rate} of those enrolled)` : ""}`,
    },
    {
      key: "completed",
      label: "completed",
      value: completed,
      title: `${n(completed)} reached the end of a path`,
      muted: true,
    },
    {
      key: "exited",
      label: "exited",
      value: exited,
      title: `${n(exited)} left through an exit event, or because the journey was archived`,
      muted: true,
    },
    { key: "failed", label: "failed", value: failed, title: `${n(failed)} stopped by an error`, muted: true },
  ];
  return (
    <section
      aria-label="Live counts"
      className="flex h-9 shrink-0 items-center gap-4 overflow-x-auto border-b border-stone-200 bg-white px-4 text-xs whitespace-nowrap text-stone-600"
      data-testid="journey-totals"
    >
      <span
        className="flex items-center gap-1.5 font-medium text-stone-700"
        title={
          error
            ? `The counts could not be refreshed: ${error}`
            : `Refreshed every ${STATS_POLL_MS / 1000} seconds while this page is open`
        }
      >
        <span
          className={`h-2 w-2 rounded-full ${error ? "bg-amber-500" : "bg-brand-500 motion-safe:animate-pulse"}`}
          aria-hidden="true"
        />
        {error ? "Counts not refreshed" : "Live"}
      </span>
      <dl className="flex items-center gap-4">
        {items.map((item) => (
          <div
            key={item.key}
            className="flex flex-row-reverse items-baseline gap-1"
            title={item.title}
            data-total={item.key}
          >
            <dt className={item.muted ? "text-stone-500" : ""}>
              {item.label}
              {item.extra ? <span className="text-stone-400"> ({item.extra})</span> : null}
            </dt>
            <dd className={`tabular-nums ${item.muted ? "text-stone-700" : "font-semibold text-stone-900"}`}>
              {formatCount(item.value)}
            </dd>
          </div>
        ))}
      </dl>
      <span className="ml-auto text-stone-400">
        Updated <time dateTime={stats.generatedAt}>{TIME.format(new Date(stats.generatedAt))}</time>
      </span>
    </section>
  );
}

const MINIMAP_COLORS: Record<string, string> = {
  trigger: "#8b5cf6",
  delay: "#0ea5e9",
  wait: "#06b6d4",
  logic: "#f59e0b",
  action: "#10b981",
  finish: "#f43f5e",
};
const MINIMAP_STYLE = { width: 144, height: 96 };
const miniMapColor = (node: { type?: string }) => MINIMAP_COLORS[node.type ?? ""] ?? "#a8a29e";

function TabButton({
  active,
  onClick,
  icon,
  children,
}: {
  active: boolean;
  onClick: () => void;
  icon: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={active}
      onClick={onClick}
      className={`-mb-px flex items-center gap-1.5 border-b-2 px-3 py-2.5 text-sm font-medium ${active ? "border-brand-600 text-brand-800" : "border-transparent text-stone-500 hover:text-stone-800"}`}
    >
      {icon}
      {children}
    </button>
  );
}

function ProblemsPanel({
  readOnly,
  problems,
  nodeById,
  open,
  onToggle,
  onFocus,
}: {
  readOnly: boolean;
  problems: JourneyProblem[];
  nodeById: Map<string, JourneyFlowNode>;
  open: boolean;
  onToggle: () => void;
  onFocus: (id: string) => void;
}) {
  if (!problems.length) {
    return (
      <div
        className="flex items-center gap-2 border-t border-stone-200 bg-white px-4 py-2 text-sm font-medium text-brand-800"
        data-testid="problems"
      >
        <CircleCheck className="h-4 w-4" aria-hidden="true" />
        {readOnly ? "No problems: this draft is complete" : "Ready to publish"}
      </div>
    );
  }
  return (
    <section className="border-t border-red-200 bg-white" data-testid="problems" aria-label="Problems">
      <button
        type="button"
        onClick={onToggle}
        aria-expanded={open}
        className="flex w-full items-center gap-2 px-4 py-2 text-left text-sm font-semibold text-red-800 hover:bg-red-50/50"
      >
        <CircleAlert className="h-4 w-4" aria-hidden="true" />
        {problems.length} problem{problems.length === 1 ? "" : "s"} to fix before publishing
        <span className="ml-auto text-xs font-normal text-stone-500">{open ? "Hide" : "Show"}</span>
      </button>
      {open ? (
        <ul className="grid max-h-36 grid-cols-1 gap-x-4 overflow-y-auto border-t border-red-100 px-2 py-1 xl:grid-cols-2">
          {problems.map((p, i) => {
            const node = p.nodeId ? nodeById.get(p.nodeId) : undefined;
            const text = describeProblem(p, node);
            const where = node
              ? node.data.label || NODE_MODULES[node.data.type].title
              : p.edgeId
                ? "Connection"
                : "Journey";
            return (
              <li key={i}>
                <button
                  type="button"
                  disabled={!node}
                  onClick={() => node && onFocus(node.id)}
                  className="flex w-full items-baseline gap-2 rounded px-2 py-1.5 text-left text-xs hover:bg-red-50 disabled:cursor-default disabled:hover:bg-transparent"
                >
                  <span className="shrink-0 font-semibold text-stone-900">{where}</span>
                  <span className="text-stone-700">{text}</span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}

function VersionHistory({
  versions,
  liveVersion,
}: {
  versions: JourneyDetail["versions"];
  liveVersion: number | null;
}) {
  if (!versions.length)
    return <p className="text-sm text-stone-500">Not published yet. Each publish keeps an immutable version here.</p>;
  return (
    <ol className="space-y-3" data-testid="versions">
      {versions.map((v) => (
        <li key={v.version} className="rounded-lg px-3 py-2.5 ring-1 ring-stone-200">
          <div className="flex items-center gap-2">
            <span className="text-sm font-semibold text-stone-900">v{v.version}</span>
            {v.version === liveVersion ? <Badge tone="brand">Live</Badge> : null}
          </div>
          <p className="mt-0.5 text-xs text-stone-500">
            Published by {v.publishedBy} · {formatDateTime(v.publishedAt)}
          </p>
        </li>
      ))}
    </ol>
  );
}
