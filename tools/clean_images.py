"""`make clean-images`: remove the images this project built (they are kept on destroy as a build cache)."""

from __future__ import annotations

import docker.errors

from providers.docker.client import LABEL_PROJECT, client


def main() -> None:
    dc = client()
    for image in dc.images.list(filters={"label": f"{LABEL_PROJECT}=streaming-lakehouse"}):
        for tag in image.tags or [image.id]:
            try:
                dc.images.remove(tag)
                print(f"removed {tag}")
            except docker.errors.APIError as exc:
                print(f"kept {tag}: {exc.explanation}")


if __name__ == "__main__":
    main()
