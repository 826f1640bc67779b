import { tacOf } from '@imei/imei-rules';

/** One row of GSMA-style TAC data: the model an 8-digit TAC was allocated to. */
export interface TacModel {
  tac: string;
  brand: string;
  model: string;
  deviceType: string;
  /** SIM slots (= IMEIs) of the model; 0 when the file does not say. */
  slots: number;
}

/** TAC data as the domain sees it: a lookup that knows nothing about storage. */
export type TacLookup = (tac: string) => TacModel | undefined;

export const noTacData: TacLookup = () => undefined;

const sameText = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * True when two IMEIs can belong to one phone: the same TAC, or two TACs that TAC data allocates to the
 * same brand and model (manufacturers give a model several TACs). Malformed keys are never compatible.
 */
export function tacCompatible(a: string, b: string, lookup: TacLookup): boolean {
  const tacA = tacOf(a);
  const tacB = tacOf(b);
  if (tacA === undefined || tacB === undefined) return false;
  if (tacA === tacB) return true;
  const modelA = lookup(tacA);
  const modelB = lookup(tacB);
  return modelA !== undefined && modelB !== undefined && modelA.model !== '' && sameText(modelA.brand, modelB.brand) && sameText(modelA.model, modelB.model);
}
