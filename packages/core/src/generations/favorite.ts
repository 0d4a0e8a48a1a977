import { touched } from "./model";
import { mutateGeneration } from "./repo";

/** Sets the favorite flag; `undefined` flips it. */
export async function setFavorite(tenant: string, id: string, value?: boolean): Promise<boolean> {
  const { after } = await mutateGeneration(tenant, id, (item) => {
    const next = value ?? !item.is_favorited;
    return next === item.is_favorited ? { kind: "keep" } : { kind: "put", item: touched(item, { is_favorited: next }) };
  });
  return after!.is_favorited;
}
