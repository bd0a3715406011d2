import { h } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export const PALETTE = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#4b5563',
  '#65a30d',
  '#9333ea',
];

export interface ChartProps {
  /** Everything but the size, which follows the container. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height?: number;
  label: string;
}

/** A uPlot chart that fills its container's width and redraws when its data changes. */
export function Chart(props: ChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const height = props.height ?? 220;
  useEffect(() => {
    const element = container.current;
    if (element === null) {
      return undefined;
    }
    const width = () => Math.max(280, element.clientWidth);
    const plot = new uPlot({ ...props.options, width: width(), height }, props.data, element);
    const onResize = () => plot.setSize({ width: width(), height });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      plot.destroy();
    };
  }, [props.options, props.data, height]);
  return h(
    'figure',
    { class: 'chart', 'aria-label': props.label },
    h('figcaption', null, props.label),
    h('div', { ref: container }),
  );
}

/** Bars for categorical x values (0…n-1) labelled with `labels`. */
export function barOptions(
  labels: readonly string[],
  series: uPlot.Series[],
  yLabel: string,
  yRange: [number, number] | null = null,
): Omit<uPlot.Options, 'width' | 'height'> {
  const bars = uPlot.paths.bars?.({ size: [0.6, 60] });
  return {
    scales: {
      x: { time: false, range: [-0.5, labels.length - 0.5] },
      ...(yRange === null ? {} : { y: { range: yRange } }),
    },
    axes: [
      {
        values: (_plot, ticks) => ticks.map((tick) => labels[tick] ?? ''),
        splits: () => labels.map((_label, index) => index),
      },
      { label: yLabel },
    ],
    series: [
      {},
      ...series.map((item) => ({
        ...item,
        ...(bars ? { paths: bars } : {}),
        points: { show: false },
      })),
    ],
    legend: { show: series.length > 1 },
  };
}

/** Lines over days (x in seconds since the epoch). */
export function dailyOptions(
  series: uPlot.Series[],
  yLabel: string,
): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    scales: { x: { time: true } },
    axes: [{}, { label: yLabel }],
    series: [{}, ...series.map((item) => ({ width: 2, ...item }))],
  };
}
