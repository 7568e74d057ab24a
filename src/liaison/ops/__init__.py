"""Operations tooling that spans every domain: backups and restores (`liaison backup`,
`liaison restore`)."""
